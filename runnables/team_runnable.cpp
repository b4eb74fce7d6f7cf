#include "runnables/team_runnable.hpp"

#include "runnables/event_relay.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <stdexcept>

namespace runcast::runnables {

team_spec team_spec::from(const component& c) {
  const auto& s = c.spec;
  team_spec out;
  if (!s.is_object() || !s.contains("members") || !s.at("members").is_array()
      || s.at("members").empty())
    throw std::invalid_argument("team " + c.id + " has no members");
  for (const auto& m : s.at("members")) {
    if (!m.is_string())
      throw std::invalid_argument("team " + c.id + ": members must be agent ids");
    out.members.push_back(m.get<std::string>());
  }
  auto mode = s.value("mode", std::string{"sequential"});
  if (mode != "sequential" && mode != "parallel")
    throw std::invalid_argument("team " + c.id + ": mode must be sequential or parallel");
  out.parallel = mode == "parallel";
  auto on_error = s.value("on_member_error", std::string{"fail"});
  if (on_error != "fail" && on_error != "continue")
    throw std::invalid_argument("team " + c.id + ": on_member_error must be fail or continue");
  out.continue_on_error = on_error == "continue";
  return out;
}

/// One team run. Members' ends arrive on runtime threads; the strand orders them.
struct team_runnable::state {
  state(team_spec s, std::shared_ptr<actors::run_context> ctx)
    : spec(std::move(s)), relay(std::make_shared<event_relay>(ctx)),
      strand(boost::asio::make_strand(ctx->io())), outputs(spec.members.size()) {
  }

  team_spec spec;
  std::shared_ptr<event_relay> relay;
  boost::asio::strand<boost::asio::io_context::executor_type> strand;
  std::vector<std::string> outputs;
  size_t finished = 0; ///< parallel: members that ended
  bool over = false;

  std::string member_run_id(size_t i) const {
    return relay->context().info().run_id + ".m" + std::to_string(i);
  }

  /// Starts member `i` with `input`; `on_end` runs on the strand with its outcome.
  void start(size_t i, std::string input,
             std::function<void(actors::run_outcome)> on_end) {
    auto& ctx = relay->context();
    auto tags = nlohmann::ordered_json{{"member_id", spec.members[i]},
                                       {"member_run_id", member_run_id(i)}};
    // The team's parameters (its defaults and the request's form fields) reach its members,
    // as an agent's reach the agent.
    actors::child_request req{"agents", spec.members[i], std::move(input),
                              ctx.info().params, member_run_id(i)};
    actors::child_handler h;
    h.on_event = [relay = relay, tags](event_draft& ev) {
      if (!ev.fields.is_object())
        ev.fields = tags;
      else
        for (const auto& [k, v] : tags.items())
          ev.fields[k] = v;
      return relay->offer(ev);
    };
    h.on_end = [strand = strand, on_end = std::move(on_end)](actors::run_outcome o) {
      boost::asio::post(strand, [on_end, o = std::move(o)]() mutable { on_end(std::move(o)); });
    };
    ctx.start_child(std::move(req), std::move(h));
  }

  /// A member's end: true if the team goes on.
  bool take(size_t i, actors::run_outcome& o) {
    if (over)
      return false;
    if (o.status == run_status::completed) {
      outputs[i] = o.content.value_or("");
      return true;
    }
    if (o.status == run_status::cancelled || relay->context().cancelled()) {
      over = true; // the team itself was cancelled: the run actor says so
      return false;
    }
    auto why = "member " + spec.members[i] + " (run " + member_run_id(i)
               + ") failed: " + o.error.value_or("unknown error");
    if (spec.continue_on_error)
      return true;
    over = true;
    relay->fail(std::move(why));
    return false;
  }

  std::string joined() const {
    std::string out;
    for (const auto& o : outputs) {
      if (o.empty())
        continue;
      if (!out.empty())
        out += "\n\n";
      out += o;
    }
    return out;
  }
};

team_runnable::team_runnable(team_spec spec) : spec_(std::move(spec)) {
}

void team_runnable::start(std::shared_ptr<actors::run_context> ctx) {
  auto st = std::make_shared<state>(spec_, ctx);
  auto message = ctx->info().message;
  if (!st->spec.parallel)
    return boost::asio::post(st->strand, [st, message] { run_member(st, 0, message); });
  for (size_t i = 0; i < st->spec.members.size(); ++i)
    st->start(i, message, [st, i](actors::run_outcome o) {
      bool go_on = st->take(i, o);
      if (++st->finished == st->spec.members.size() && go_on && !st->over) {
        st->over = true;
        st->relay->complete(st->joined());
      }
    });
}

void team_runnable::run_member(std::shared_ptr<state> st, size_t i, std::string input) {
  if (st->over)
    return;
  if (i == st->spec.members.size()) {
    st->over = true;
    return st->relay->complete(std::move(input));
  }
  st->start(i, input, [st, i, input](actors::run_outcome o) {
    if (!st->take(i, o))
      return;
    // A member that failed (and is skipped) passes its input on unchanged.
    auto next = o.status == run_status::completed ? st->outputs[i] : input;
    run_member(st, i + 1, std::move(next));
  });
}

} // namespace runcast::runnables
