#pragma once

#include "actors/run_context.hpp"
#include "runnables/beast.hpp"
#include "runnables/chat_stream_parser.hpp"
#include "runnables/event_outbox.hpp"
#include "runnables/http_client_connection.hpp"
#include "runnables/openai_config.hpp"
#include "runnables/openai_request.hpp"
#include "runnables/sse_line_parser.hpp"
#include "runnables/tool_runner.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runcast::runnables {

/// One run of the `openai` runnable: the loop of requests (a first one, then one per tool
/// round), each streamed, retried before its first token, its content emitted as it comes.
/// Everything runs on one strand of the run's io_context; handlers keep the conversation
/// alive, and it ends (completes, fails or is cancelled) exactly once.
class openai_conversation : public std::enable_shared_from_this<openai_conversation> {
public:
  /// Most bytes of one response (a stream's whole body), of an error body kept for the
  /// message, and of one tool result passed on to the model and the events.
  static constexpr size_t max_response_bytes = 64 << 20;
  static constexpr size_t max_error_body = 4096; ///< (the second bound)
  static constexpr size_t max_tool_result_bytes = 256 * 1024; ///< (the third bound)
  /// Longest Retry-After honoured.
  static constexpr std::chrono::seconds max_retry_after{60};

  /// A conversation for `ctx`'s run; `api_key` may be empty (no Authorization header),
  /// `tls` is null for http.
  openai_conversation(std::shared_ptr<actors::run_context> ctx, openai_config cfg,
                      std::shared_ptr<tool_runner> tools, std::shared_ptr<ssl::context> tls,
                      std::string api_key);

  /// Asks for the session's history, then sends the first request. Returns at once.
  void start();

private:
  using stage = http_client_connection::stage;

  void begin(std::vector<actors::past_run> history);
  void send();
  void on_header(unsigned status, const std::string& retry_after);
  void on_body(std::string_view bytes);
  void on_stream_end();
  void on_error(stage s, beast::error_code ec);
  void read_on();
  void retry(std::optional<std::chrono::milliseconds> wait);
  void fail_with_status();
  void end_round();
  void run_tools();
  void launch_tools();
  void on_tool_done(size_t i, tool_result r);
  void emit(std::string type, std::optional<std::string> content,
            nlohmann::ordered_json fields);
  void finish_complete();
  void finish_fail(std::string error);
  void on_cancelled();
  void stop_io();
  std::string redact(std::string text) const;

  std::shared_ptr<actors::run_context> ctx_;
  openai_config cfg_;
  std::shared_ptr<tool_runner> tools_;
  std::shared_ptr<ssl::context> tls_;
  std::string api_key_; ///< never logged, never in an error or event
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer retry_timer_;
  event_outbox outbox_;
  std::optional<openai_request> request_;
  std::shared_ptr<http_client_connection> conn_;

  // -- the current request ------------------------------------------------------------------
  int attempt_ = 0;          ///< retries spent on this request
  unsigned status_ = 0;
  bool first_token_ = false; ///< a content or tool delta arrived: no more retries
  bool round_over_ = false;
  std::string error_body_;
  std::optional<sse_line_parser> lines_;
  std::optional<chat_stream_parser> stream_;
  std::string round_content_;

  // -- the whole run ------------------------------------------------------------------------
  std::string content_;       ///< everything emitted, all rounds
  std::string finish_reason_;
  long input_tokens_ = 0, output_tokens_ = 0, total_tokens_ = 0;
  bool usage_seen_ = false;
  int tool_rounds_ = 0;
  std::vector<tool_call> calls_;
  std::vector<std::string> results_;
  size_t tools_pending_ = 0;
  bool finished_ = false;
};

} // namespace runcast::runnables
