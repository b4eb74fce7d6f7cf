#include "runnables/openai_conversation.hpp"

#include <charconv>

namespace runcast::runnables {

namespace {

using std::chrono::milliseconds;

// Tool events are named after the kind, like the content events: `ToolCallStarted` for an
// agent, `TeamToolCallStarted` for a team ("TeamRunContent" minus "RunContent").
std::string tool_event(const std::string& content_name, const char* what) {
  constexpr std::string_view suffix = "RunContent";
  std::string prefix;
  if (content_name.size() >= suffix.size() &&
      content_name.compare(content_name.size() - suffix.size(), suffix.size(), suffix) == 0)
    prefix = content_name.substr(0, content_name.size() - suffix.size());
  return prefix + what;
}

// The upstream's own words from an error body ({"error": {"message": …}}, {"error": "…"},
// {"message": …}), else a bounded snippet of it.
std::string upstream_message(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    auto err = j.find("error");
    if (err != j.end() && err->is_object() && err->contains("message") &&
        (*err)["message"].is_string())
      return (*err)["message"].get<std::string>().substr(0, 500);
    if (err != j.end() && err->is_string())
      return err->get<std::string>().substr(0, 500);
    if (j.contains("message") && j["message"].is_string())
      return j["message"].get<std::string>().substr(0, 500);
  }
  std::string snippet = body.substr(0, 200);
  for (auto& c : snippet)
    if (static_cast<unsigned char>(c) < 0x20)
      c = ' ';
  return snippet.empty() ? std::string{"(empty body)"} : snippet;
}

std::optional<milliseconds> parse_retry_after(const std::string& value) {
  long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size() || seconds < 0)
    return std::nullopt; // an HTTP date: fall back to our own backoff
  return milliseconds{std::min<long>(seconds, openai_conversation::max_retry_after.count()) *
                      1000};
}

long token_count(const nlohmann::json& usage, const char* key) {
  auto it = usage.find(key);
  return it != usage.end() && it->is_number_integer() ? it->get<long>() : 0;
}

} // namespace

openai_conversation::openai_conversation(std::shared_ptr<actors::run_context> ctx,
                                         openai_config cfg, std::shared_ptr<tool_runner> tools,
                                         std::shared_ptr<ssl::context> tls, std::string api_key)
  : ctx_(std::move(ctx)), cfg_(std::move(cfg)), tools_(std::move(tools)), tls_(std::move(tls)),
    api_key_(std::move(api_key)), strand_(net::make_strand(ctx_->io())),
    retry_timer_(strand_), outbox_(ctx_, strand_) {
}

void openai_conversation::start() {
  // The cancel callback runs on a runtime thread; everything we own belongs to the strand.
  ctx_->on_cancel([weak = weak_from_this(), strand = strand_] {
    net::post(strand, [weak] {
      if (auto self = weak.lock())
        self->on_cancelled();
    });
  });
  auto go = [self = shared_from_this()](std::vector<actors::past_run> history) {
    net::post(self->strand_, [self, h = std::move(history)]() mutable { self->begin(h); });
  };
  if (cfg_.history_runs == 0)
    go({});
  else
    ctx_->session_history(cfg_.history_runs, go);
}

void openai_conversation::begin(std::vector<actors::past_run> history) {
  if (finished_)
    return;
  request_.emplace(cfg_, history, ctx_->info().message);
  send();
}

void openai_conversation::send() {
  if (finished_)
    return;
  status_ = 0;
  first_token_ = false;
  round_over_ = false;
  error_body_.clear();
  round_content_.clear();
  lines_.emplace();
  stream_.emplace();
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, cfg_.target, 11};
  bool default_port = cfg_.port == (cfg_.tls ? "443" : "80");
  req.set(bhttp::field::host, default_port ? cfg_.host : cfg_.host + ":" + cfg_.port);
  req.set(bhttp::field::user_agent, "runcast");
  req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::accept, "text/event-stream");
  if (!api_key_.empty())
    req.set(bhttp::field::authorization, "Bearer " + api_key_);
  // Replace invalid UTF-8 (a user's message may hold any bytes) instead of throwing.
  req.body() = request_->body().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  req.prepare_payload();
  conn_ = std::make_shared<http_client_connection>(strand_, tls_);
  auto self = shared_from_this();
  http_client_connection::handlers h;
  h.on_header = [self](unsigned status, std::string retry_after) {
    self->on_header(status, retry_after);
  };
  h.on_body = [self](std::string_view bytes) { self->on_body(bytes); };
  h.on_done = [self] { self->on_stream_end(); };
  h.on_error = [self](stage s, beast::error_code ec) { self->on_error(s, ec); };
  conn_->start(cfg_.host, cfg_.port, std::move(req), cfg_.connect_timeout,
               cfg_.first_token_timeout, max_response_bytes, std::move(h));
}

void openai_conversation::on_header(unsigned status, const std::string& retry_after) {
  status_ = status;
  if (status >= 200 && status < 300)
    return read_on();
  if ((status == 429 || status >= 500) && attempt_ < cfg_.max_retries) {
    conn_->close();
    return retry(parse_retry_after(retry_after));
  }
  read_on(); // the error body says why; on_stream_end or on_error fails the run with it
}

void openai_conversation::read_on() {
  auto now = http_client_connection::clock::now();
  // Before the first token the deadline counts from the request; after it, from now.
  conn_->read_more(first_token_ ? now + cfg_.idle_timeout
                                : conn_->sent_at() + cfg_.first_token_timeout);
}

void openai_conversation::on_body(std::string_view bytes) {
  if (finished_)
    return;
  if (status_ < 200 || status_ >= 300) {
    error_body_.append(bytes.substr(0, max_error_body - std::min(max_error_body,
                                                                  error_body_.size())));
    if (error_body_.size() >= max_error_body)
      return fail_with_status();
    return read_on();
  }
  std::optional<std::string> error;
  bool ok = lines_->feed(bytes, [&](std::string_view line) {
    if (error || stream_->done())
      return;
    auto d = stream_->on_line(line);
    if (d.error) {
      error = std::move(d.error);
      return;
    }
    if (d.tool_progress)
      first_token_ = true;
    if (!d.content.empty()) {
      first_token_ = true;
      round_content_ += d.content;
      content_ += d.content;
      emit(ctx_->info().names.content, std::move(d.content), {});
    }
  });
  if (!ok)
    error = "upstream sent a stream line over " +
            std::to_string(sse_line_parser::default_max_line) + " bytes";
  if (error)
    return finish_fail(redact(*error));
  if (stream_->done()) {
    conn_->close(); // [DONE]: whatever follows is not ours to wait for
    return end_round();
  }
  // Read on only once the run took these events: a slow run slows the upstream down.
  outbox_.flush([self = shared_from_this()] {
    if (!self->finished_ && !self->round_over_)
      self->read_on();
  });
}

void openai_conversation::on_stream_end() {
  if (finished_ || round_over_)
    return;
  if (status_ < 200 || status_ >= 300)
    return fail_with_status();
  auto d = stream_->finish();
  if (!d.content.empty()) {
    round_content_ += d.content;
    content_ += d.content;
    emit(ctx_->info().names.content, std::move(d.content), {});
  }
  if (d.error)
    return finish_fail(redact(*d.error));
  // A stream that ends without [DONE] is whole only if the model said why it stopped.
  if (!stream_->done() && stream_->finish_reason().empty())
    return finish_fail("upstream closed the stream: it ended before [DONE]");
  end_round();
}

void openai_conversation::on_error(stage s, beast::error_code ec) {
  if (finished_ || round_over_)
    return;
  if (status_ != 0 && (status_ < 200 || status_ >= 300))
    return fail_with_status();
  auto where = cfg_.host + ":" + cfg_.port;
  if (s == stage::handshake && ec.category() == net::error::get_ssl_category())
    return finish_fail("TLS handshake with " + where + " failed: " + ec.message());
  if (s != stage::read) {
    auto why = ec == beast::error::timeout
                 ? "could not connect to " + where + " within connect_timeout_ms (" +
                     std::to_string(cfg_.connect_timeout.count()) + " ms)"
                 : "could not connect to " + where + ": " + ec.message();
    if (attempt_ < cfg_.max_retries)
      return retry(std::nullopt);
    return finish_fail(why);
  }
  if (ec == beast::error::timeout)
    return finish_fail(first_token_
                         ? "upstream sent nothing for idle_timeout_ms (" +
                             std::to_string(cfg_.idle_timeout.count()) + " ms)"
                         : "no first token from upstream within first_token_timeout_ms (" +
                             std::to_string(cfg_.first_token_timeout.count()) + " ms)");
  finish_fail("upstream closed the stream: " + ec.message());
}

void openai_conversation::retry(std::optional<milliseconds> wait) {
  auto backoff = cfg_.retry_backoff * (1L << std::min(attempt_, 16));
  ++attempt_;
  retry_timer_.expires_after(wait ? *wait : backoff);
  retry_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && !self->finished_)
      self->send();
  });
}

void openai_conversation::fail_with_status() {
  finish_fail("upstream returned " + std::to_string(status_) + ": " +
              redact(upstream_message(error_body_)));
}

void openai_conversation::end_round() {
  round_over_ = true;
  if (stream_->finish_reason().size())
    finish_reason_ = stream_->finish_reason();
  if (const auto& u = stream_->usage(); u.is_object()) {
    usage_seen_ = true;
    input_tokens_ += token_count(u, "prompt_tokens");
    output_tokens_ += token_count(u, "completion_tokens");
    total_tokens_ += token_count(u, "total_tokens");
  }
  calls_ = stream_->tool_calls();
  if (calls_.empty() || (!finish_reason_.empty() && finish_reason_ != "tool_calls"))
    return finish_complete();
  if (tool_rounds_ >= cfg_.max_tool_rounds)
    return finish_fail("the model asked for tools more than max_tool_rounds (" +
                       std::to_string(cfg_.max_tool_rounds) + ") times");
  ++tool_rounds_;
  run_tools();
}

void openai_conversation::run_tools() {
  auto started = tool_event(ctx_->info().names.content, "ToolCallStarted");
  for (auto& c : calls_) {
    if (c.id.empty())
      c.id = "call_" + std::to_string(tool_rounds_) + "_" + std::to_string(&c - &calls_[0]);
    emit(started, std::nullopt,
         {{"tool_call_id", c.id}, {"tool_name", c.name}, {"arguments", c.arguments}});
  }
  results_.assign(calls_.size(), {});
  tools_pending_ = calls_.size();
  // The started events reach the run before any tool runs, so a client sees them first.
  outbox_.flush([self = shared_from_this()] { self->launch_tools(); });
}

void openai_conversation::launch_tools() {
  for (size_t i = 0; i < calls_.size() && tools_pending_ > 0; ++i) {
    const auto* tool = cfg_.find_tool(calls_[i].name);
    if (!tool) {
      on_tool_done(i, {false, "unknown tool " + calls_[i].name, {}});
      continue;
    }
    // The runner may answer on any thread, even before run() returns: post to the strand.
    auto done = [self = shared_from_this(), i](tool_result r) {
      net::post(self->strand_, [self, i, r = std::move(r)]() mutable {
        self->on_tool_done(i, std::move(r));
      });
    };
    try {
      tools_->run(*tool, calls_[i].arguments, ctx_->io(), done);
    } catch (const std::exception& e) {
      done({false, std::string{"the tool runner failed: "} + e.what(), {}});
    }
  }
}

void openai_conversation::on_tool_done(size_t i, tool_result r) {
  if (finished_ || i >= calls_.size() || tools_pending_ == 0)
    return;
  if (r.text.size() > max_tool_result_bytes)
    r.text.resize(max_tool_result_bytes);
  nlohmann::ordered_json fields = {{"tool_call_id", calls_[i].id},
                                   {"tool_name", calls_[i].name}};
  fields[r.ok ? "result" : "error"] = r.text;
  fields["duration_ms"] = r.duration.count();
  emit(tool_event(ctx_->info().names.content, "ToolCallCompleted"), std::nullopt,
       std::move(fields));
  results_[i] = r.ok ? std::move(r.text) : "error: " + r.text;
  if (--tools_pending_ > 0)
    return outbox_.flush([] {}); // this tool's event now, not when the slowest one ends
  request_->add_tool_round(round_content_, calls_, results_);
  attempt_ = 0;
  outbox_.flush([self = shared_from_this()] { self->send(); });
}

void openai_conversation::emit(std::string type, std::optional<std::string> content,
                               nlohmann::ordered_json fields) {
  outbox_.push(event_draft{std::move(type), std::move(content), std::move(fields)});
}

void openai_conversation::finish_complete() {
  stop_io();
  nlohmann::ordered_json fields = {{"finish_reason", finish_reason_}};
  if (usage_seen_)
    fields["metrics"] = {{"input_tokens", input_tokens_},
                         {"output_tokens", output_tokens_},
                         {"total_tokens", total_tokens_}};
  // The content events go first: the completed event must follow every one of them.
  outbox_.flush([self = shared_from_this(), fields = std::move(fields)]() mutable {
    self->finished_ = true;
    self->ctx_->complete(self->content_, std::move(fields));
  });
}

void openai_conversation::finish_fail(std::string error) {
  stop_io();
  // What was emitted stays in the log: flush it before the error event.
  outbox_.flush([self = shared_from_this(), error = std::move(error)]() mutable {
    self->finished_ = true;
    self->ctx_->fail(std::move(error));
  });
}

void openai_conversation::on_cancelled() {
  finished_ = true;
  stop_io();
  outbox_.stop();
}

void openai_conversation::stop_io() {
  round_over_ = true;
  tools_pending_ = 0;
  retry_timer_.cancel();
  if (conn_) {
    conn_->close();
    conn_.reset(); // drops the handlers, and with them their references to us
  }
}

std::string openai_conversation::redact(std::string text) const {
  if (api_key_.empty())
    return text;
  for (auto at = text.find(api_key_); at != std::string::npos; at = text.find(api_key_, at))
    text.replace(at, api_key_.size(), "[redacted]");
  return text;
}

} // namespace runcast::runnables
