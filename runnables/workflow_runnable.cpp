#include "runnables/workflow_runnable.hpp"

#include "runnables/event_relay.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <functional>

namespace runcast::runnables {

namespace {

using json = nlohmann::ordered_json;
using step_list = std::vector<workflow_step>;
/// What a step hands on: its output (called on the strand, only if the workflow goes on).
using next_fn = std::function<void(std::string output)>;

/// One workflow run: walks the steps on a strand (children end on runtime threads).
class walk : public std::enable_shared_from_this<walk> {
public:
  walk(std::shared_ptr<const step_list> steps, std::shared_ptr<actors::run_context> ctx)
    : steps_(std::move(steps)), relay_(std::make_shared<event_relay>(ctx)),
      strand_(boost::asio::make_strand(ctx->io())) {
  }

  void begin(std::string message) {
    boost::asio::post(strand_, [self = shared_from_this(), message = std::move(message)] {
      self->run_list(*self->steps_, 0, message,
                     [self](std::string output) { self->relay_->complete(std::move(output)); });
    });
  }

private:
  static json tags(const workflow_step& s, size_t index) {
    return {{"step_name", s.name}, {"step_index", index}};
  }

  void emit(std::string type, json fields, std::optional<std::string> content = {}) {
    relay_->push({std::move(type), std::move(content), std::move(fields)});
  }

  bool over() const {
    return failed_ || relay_->context().cancelled();
  }

  void fail(const workflow_step& s, const std::string& why) {
    if (std::exchange(failed_, true))
      return;
    relay_->fail("step '" + s.name + "' failed: " + why);
  }

  void run_list(const step_list& steps, size_t i, std::string input, next_fn next) {
    if (over())
      return;
    if (i == steps.size())
      return next(std::move(input));
    run_step(steps[i], i, std::move(input),
             [self = shared_from_this(), &steps, i, next](std::string output) {
               self->run_list(steps, i + 1, std::move(output), next);
             });
  }

  void run_step(const workflow_step& s, size_t index, std::string input, next_fn next) {
    using k = workflow_step::kind;
    switch (s.type) {
      case k::parallel:
        return run_parallel(s, index, std::move(input), std::move(next));
      case k::condition:
        return run_condition(s, index, std::move(input), std::move(next));
      case k::loop:
        return run_loop(s, index, 1, std::move(input), std::move(next));
      default:
        return run_component(s, index, std::move(input), std::move(next));
    }
  }

  void run_component(const workflow_step& s, size_t index, std::string input, next_fn next) {
    auto& ctx = relay_->context();
    // The step's run is recorded under its own id (pollable); its events say which.
    auto run_id = ctx.info().run_id + ".s" + std::to_string(next_child_++);
    auto step_tags = tags(s, index);
    step_tags["step_run_id"] = run_id;
    emit("StepStarted", step_tags);
    // The workflow's parameters reach every step, as an agent's reach the agent.
    actors::child_request req{s.component_kind(), s.target, std::move(input), ctx.info().params,
                              std::move(run_id)};
    actors::child_handler h;
    h.on_event = [relay = relay_, step_tags](event_draft& ev) {
      if (!ev.fields.is_object())
        ev.fields = json::object();
      for (const auto& [key, value] : step_tags.items())
        if (!ev.fields.contains(key)) // an inner workflow's own step tags stay
          ev.fields[key] = value;
      return relay->offer(ev);
    };
    h.on_end = [self = shared_from_this(), &s, step_tags, next](actors::run_outcome o) {
      boost::asio::post(self->strand_, [self, &s, step_tags, next, o = std::move(o)] {
        if (self->over())
          return;
        if (o.status != run_status::completed)
          return self->fail(s, o.error.value_or("cancelled"));
        auto output = o.content.value_or("");
        self->emit("StepCompleted", step_tags, output);
        next(std::move(output));
      });
    };
    ctx.start_child(std::move(req), std::move(h));
  }

  void run_parallel(const workflow_step& s, size_t index, std::string input, next_fn next) {
    emit("ParallelExecutionStarted", tags(s, index));
    struct join {
      std::vector<std::string> outputs;
      size_t done = 0;
    };
    auto j = std::make_shared<join>();
    j->outputs.resize(s.steps.size());
    for (size_t c = 0; c < s.steps.size(); ++c)
      run_step(s.steps[c], c, input,
               [self = shared_from_this(), &s, index, next, j, c](std::string output) {
                 j->outputs[c] = std::move(output);
                 if (++j->done < j->outputs.size())
                   return;
                 std::string joined;
                 for (const auto& o : j->outputs)
                   joined += (joined.empty() ? "" : "\n\n") + o;
                 self->emit("ParallelExecutionCompleted", tags(s, index), joined);
                 next(std::move(joined));
               });
  }

  void run_condition(const workflow_step& s, size_t index, std::string input, next_fn next) {
    bool met = std::regex_search(input, s.pattern);
    auto start = tags(s, index);
    start["condition"] = s.pattern_text;
    start["condition_met"] = met;
    emit("ConditionExecutionStarted", std::move(start));
    auto finish = [self = shared_from_this(), &s, index, met, next](std::string output) {
      auto end = tags(s, index);
      end["condition_met"] = met;
      self->emit("ConditionExecutionCompleted", std::move(end), output);
      next(std::move(output));
    };
    if (!met)
      return finish(std::move(input)); // not taken: the input passes through
    run_list(s.steps, 0, std::move(input), std::move(finish));
  }

  void run_loop(const workflow_step& s, size_t index, int iteration, std::string input,
                next_fn next) {
    if (iteration == 1) {
      auto start = tags(s, index);
      start["max_iterations"] = s.max_iterations;
      emit("LoopExecutionStarted", std::move(start));
    }
    auto it = tags(s, index);
    it["iteration"] = iteration;
    emit("LoopIterationStarted", it);
    run_list(s.steps, 0, std::move(input),
             [self = shared_from_this(), &s, index, iteration, it, next](std::string output) {
               self->emit("LoopIterationCompleted", it, output);
               bool stop = !s.pattern_text.empty() && std::regex_search(output, s.pattern);
               if (!stop && iteration < s.max_iterations)
                 return self->run_loop(s, index, iteration + 1, std::move(output), next);
               auto end = tags(s, index);
               end["iterations"] = iteration;
               end["stopped_early"] = stop && iteration < s.max_iterations;
               self->emit("LoopExecutionCompleted", std::move(end), output);
               next(std::move(output));
             });
  }

  std::shared_ptr<const step_list> steps_;
  std::shared_ptr<event_relay> relay_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  size_t next_child_ = 0;
  bool failed_ = false;
};

} // namespace

workflow_runnable::workflow_runnable(std::shared_ptr<const std::vector<workflow_step>> steps)
  : steps_(std::move(steps)) {
}

void workflow_runnable::start(std::shared_ptr<actors::run_context> ctx) {
  auto message = ctx->info().message;
  std::make_shared<walk>(steps_, std::move(ctx))->begin(std::move(message));
}

} // namespace runcast::runnables
