#pragma once

#include "actors/runnable.hpp"
#include "runnables/workflow_step.hpp"

#include <memory>
#include <vector>

namespace runcast::runnables {

/// A workflow: ordered steps, each a component run as a child run (an agent, a team,
/// another workflow) or a control block — `parallel` (its steps at once, their outputs
/// joined), `condition` (its steps only when the input matches `if`), `loop` (its steps up
/// to `max_iterations` times, stopping early when the output matches `until`). A step's
/// output is the next step's input; the last output is the workflow's. Emits the reference
/// server's events (`StepStarted`/`StepCompleted`, `ParallelExecution*`, `ConditionExecution*`,
/// `Loop*`, with `step_name` and `step_index`) and forwards its children's events tagged with
/// the step. The first failing step fails the workflow.
class workflow_runnable : public actors::async_runnable {
public:
  explicit workflow_runnable(std::shared_ptr<const std::vector<workflow_step>> steps);

  void start(std::shared_ptr<actors::run_context> ctx) override;

private:
  std::shared_ptr<const std::vector<workflow_step>> steps_;
};

} // namespace runcast::runnables
