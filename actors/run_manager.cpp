#include "actors/run_manager.hpp"

#include "actors/errors.hpp"
#include "actors/type_ids.hpp"
#include "actors/event_log.hpp"
#include "actors/event_log_state.hpp"
#include "actors/log_directory.hpp"
#include "actors/run_actor.hpp"
#include "actors/step_pacer.hpp"
#include "core/log_format.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace runcast::actors {

namespace {

using self_ptr = run_manager_actor::stateful_pointer<run_manager_state>;

void maybe_finish_shutdown(self_ptr self) {
  auto& st = self->state;
  if (st.ending && st.runs.empty() && st.shutdown_done.pending())
    st.shutdown_done.deliver(true);
}

/// The end of a shutdown's grace (or no run left to wait for): runs still live end ERROR,
/// and every log skips its retention and quits as soon as everything is persisted.
void end_everything(self_ptr self) {
  auto& st = self->state;
  if (st.ending)
    return;
  st.ending = true;
  if (st.live > 0)
    spdlog::warn("shutdown: {} runs still live after the grace period end ERROR", st.live);
  for (auto& [id, e] : st.runs) {
    if (e.run)
      self->send(e.run, shutdown_atom::value);
    self->send(e.log, shutdown_atom::value);
  }
  maybe_finish_shutdown(self);
}

/// How often the manager ends finished logs' retention: a tenth of it, within [10 ms, 1 s].
/// A log outlives its retention by at most that much.
std::chrono::milliseconds sweep_interval(std::chrono::milliseconds retention) {
  using namespace std::chrono_literals;
  return std::clamp<std::chrono::milliseconds>(retention / 10, 10ms, 1s);
}

/// One `tick` at a time, while the manager holds logs (the budget knows which have
/// finished; a timer per log would keep each one allocated until it fired).
void schedule_sweep(self_ptr self) {
  auto& st = self->state;
  if (st.sweep_scheduled)
    return;
  st.sweep_scheduled = true;
  self->delayed_send(self, sweep_interval(st.lim.retention), tick_atom::value);
}

/// Why a start cannot be taken now, if it cannot.
std::optional<caf::error> refuse_start(const run_manager_state& st) {
  if (st.shutting_down)
    return make_failure(errc::shutting_down, "the server is shutting down");
  if (st.draining)
    return make_failure(errc::draining, "this node is draining; start the run on another node");
  if (st.starting >= st.lim.max_starting_runs)
    return make_failure(errc::overloaded, "too many runs starting (max_starting_runs "
                                            + std::to_string(st.lim.max_starting_runs)
                                            + "); retry later");
  if (st.live + st.starting >= st.lim.max_live_runs)
    return make_failure(errc::overloaded, "too many live runs (max_live_runs "
                                            + std::to_string(st.lim.max_live_runs)
                                            + "); retry later");
  return std::nullopt;
}

/// Persists the run, then starts it; `answer` gets no error once it runs, or why it does not.
/// The run exists for clients only once it is persisted: 202 means "it is stored".
template <class Answer>
void start(self_ptr self, run_spec spec, Answer answer) {
  auto& st = self->state;
  if (auto refused = refuse_start(st))
    return answer(*refused);
  ++st.starting;
  auto run_id = spec.record.run_id;
  auto log = self->spawn(event_log, spec.context, st.lim, st.services);
  if (st.services.directory) // local clients find it there (runtime::engine::subscribe)
    list_until_exit(st.services.directory, identity_of(spec.record), log);
  // No CAF timeout: the store bounds its writes (event_log_persistence.cpp, flush).
  self->request(st.services.writer, caf::infinite, create_atom::value, spec.record)
    .then(
      [self, answer, log, run_id, body = spec.body, info = spec.info, kind = spec.record.kind,
       context = spec.context](bool) mutable {
        auto& st = self->state;
        --st.starting;
        ++st.live;
        st.services.metrics->run_started(kind);
        logs::run(spdlog::level::info, context, "run started");
        auto run = self->spawn(drive_run, run_events_actor{log}, body, std::move(info), st.env);
        self->send(log, watch_atom::value, caf::actor_cast<caf::actor>(run));
        // Held, so that stopping the manager stops it (above); monitored, to forget it once
        // its retention ends.
        st.held_logs->emplace(log.address(), caf::actor_cast<caf::actor>(log));
        self->monitor(log);
        self->monitor(run);
        st.runs[run_id] = {log, run};
        st.by_log[log.address()] = run_id;
        st.by_run[run.address()] = run_id;
        schedule_sweep(self);
        if (st.ending) { // the store took it after the grace ended
          self->send(run, shutdown_atom::value);
          self->send(log, shutdown_atom::value);
        }
        answer(caf::error{});
      },
      [self, answer, log, context = spec.context](caf::error& err) mutable {
        auto& st = self->state;
        --st.starting;
        if (st.shutting_down && st.live == 0 && st.starting == 0)
          end_everything(self);
        logs::run(spdlog::level::err, context,
                  "run not started, the store refused it: " + self->system().render(err));
        self->send_exit(log, caf::exit_reason::user_shutdown);
        answer(make_failure(errc::unavailable, "the store did not take the run"));
      });
}

/// The node's step pacer stopped (it holds the paced runs' waits, actors/step_pacer.hpp):
/// without a new one every step runnable would stop stepping. A new one takes its place for
/// new runs, and every live run is told, to ask again for a wait the old one held — unless
/// pacers stopped `max_pacer_restarts` times within `pacer_restart_window` already: then the
/// runs are told there is none, and wait on timers of their own. Not during a shutdown,
/// which stops the pacer itself.
void replace_pacer(self_ptr self, const caf::error& reason) {
  auto& st = self->state;
  if (st.shutting_down || reason == caf::exit_reason::user_shutdown)
    return;
  auto now = self->clock().now();
  auto& restarts = st.pacer_restarts;
  while (!restarts.empty() && now - restarts.front() >= pacer_restart_window)
    restarts.pop_front();
  caf::actor next;
  if (restarts.size() < max_pacer_restarts) {
    restarts.push_back(now);
    spdlog::error("the step pacer stopped ({}); a new one takes over the waits of {} live runs",
                  self->system().render(reason), st.live);
    auto pacer = self->spawn(step_pacer);
    self->monitor(pacer);
    next = caf::actor_cast<caf::actor>(pacer);
    st.env.pacer = pacer;
  } else {
    spdlog::error("the step pacer stopped ({}), {} times within {} s: no new one; "
                  "{} live runs and every later one wait on timers of their own",
                  self->system().render(reason), restarts.size() + 1,
                  std::chrono::seconds{pacer_restart_window}.count(), st.live);
    st.env.pacer = step_pacer_actor{};
  }
  *st.own_pacer = next;
  for (auto& [id, e] : st.runs)
    if (e.run)
      self->send(e.run, pacer_atom::value, next);
}

} // namespace

run_manager_actor::behavior_type run_manager(self_ptr self, log_services services,
                                             run_environment env) {
  env.records = services.writer;
  self->state.lim = env.lim;
  self->state.services = std::move(services);
  self->state.env = std::move(env);
  if (self->state.env.pacer)
    self->monitor(self->state.env.pacer);
  // A pacer the manager started stops with it (the first one is the runtime's to stop).
  self->attach_functor([own = self->state.own_pacer] {
    if (*own)
      caf::anon_send_exit(*own, caf::exit_reason::user_shutdown);
  });
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.env.pacer && dm.source == st.env.pacer.address())
      return replace_pacer(self, dm.reason);
    if (auto i = st.by_run.find(dm.source); i != st.by_run.end()) {
      if (auto r = st.runs.find(i->second); r != st.runs.end())
        r->second.run = run_actor{};
      st.by_run.erase(i);
      --st.live;
      if (st.shutting_down && st.live == 0 && st.starting == 0)
        end_everything(self);
      return;
    }
    if (auto i = st.by_log.find(dm.source); i != st.by_log.end()) {
      st.held_logs->erase(dm.source);
      st.runs.erase(i->second);
      st.by_log.erase(i);
      maybe_finish_shutdown(self);
    }
  });
  // Stopping the manager abnormally stops every log it holds, as a link to each would —
  // without the links: CAF 0.17 removes an ended link by walking every link the actor
  // holds, and the manager would hold one per retained log, so each log evicted to make
  // room for a new run would cost O(logs held) (half the CPU of a burst of starts).
  self->attach_functor([held = self->state.held_logs](const caf::error& reason) {
    if (reason && reason != caf::exit_reason::normal)
      for (auto& [addr, log] : *held)
        caf::anon_send_exit(log, caf::exit_reason::user_shutdown);
  });
  return {
    [self](start_atom, run_spec& spec) -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      start(self, std::move(spec), [rp](const caf::error& err) mutable {
        if (err)
          rp.deliver(err);
        else
          rp.deliver(true);
      });
      return rp;
    },
    [self](start_atom, const start_request_ptr& req) {
      start(self, req->take_spec(), [req](const caf::error& err) { req->deliver(err); });
    },
    [self](lookup_atom, const std::string& run_id) -> event_log_actor {
      auto& st = self->state;
      auto i = st.runs.find(run_id);
      return i == st.runs.end() ? event_log_actor{} : i->second.log;
    },
    [self](stats_atom) -> caf::result<int64_t, int64_t> {
      auto& st = self->state;
      return {static_cast<int64_t>(st.runs.size()), static_cast<int64_t>(st.by_run.size())};
    },
    [self](cancel_atom, const std::string& run_id) -> cancel_result {
      auto& st = self->state;
      auto i = st.runs.find(run_id);
      if (i == st.runs.end())
        return cancel_result::not_found;
      if (!i->second.run)
        return cancel_result::finished;
      self->send(i->second.run, cancel_atom::value);
      return cancel_result::cancelled;
    },
    [self](drain_atom) {
      auto& st = self->state;
      if (!st.draining)
        spdlog::warn("draining: no new runs on this node; {} live runs go on", st.live);
      st.draining = true;
      return true;
    },
    [self](shutdown_atom, int64_t grace_ms) -> caf::result<bool> {
      auto& st = self->state;
      if (st.shutting_down)
        return make_failure(errc::shutting_down, "already shutting down");
      st.draining = true;
      st.shutting_down = true;
      st.shutdown_done = self->make_response_promise<bool>();
      auto rp = st.shutdown_done;
      if (st.live == 0 && st.starting == 0) {
        end_everything(self);
      } else {
        spdlog::info("shutdown: waiting up to {} ms for {} live runs", grace_ms, st.live);
        self->delayed_send(self, std::chrono::milliseconds{grace_ms}, expire_atom::value);
      }
      return rp;
    },
    [self](expire_atom) {
      end_everything(self);
    },
    [self](tick_atom) {
      auto& st = self->state;
      st.sweep_scheduled = false;
      st.services.budget->expire(self->clock().now());
      if (!st.runs.empty())
        schedule_sweep(self);
    },
  };
}

} // namespace runcast::actors
