#include "core/node_metrics.hpp"

#include <cmath>
#include <cstdio>

namespace runcast {

namespace {

constexpr std::array<std::string_view, 3> kind_names{"agents", "teams", "workflows"};
constexpr std::array<run_status, 3> final_statuses{run_status::completed, run_status::error,
                                                   run_status::cancelled};
constexpr std::array<std::string_view, 4> refusal_names{"invalid", "unavailable", "overloaded",
                                                       "draining"};
constexpr std::array<std::string_view, 5> resume_names{"catch_up", "replay", "store", "gap",
                                                       "error"};
constexpr std::array<std::string_view, 2> subscriber_names{"local", "remote"};

size_t kind_slot(std::string_view kind) {
  for (size_t i = 0; i < kind_names.size(); ++i)
    if (kind_names[i] == kind)
      return i;
  return 0; // the router admits only the three kinds
}

std::string number(double v) {
  if (std::isinf(v))
    return "+Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

void header(std::string& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

template <class T>
void sample(std::string& out, std::string_view name, std::string_view labels, T value) {
  out.append(name);
  if (!labels.empty())
    out.append("{").append(labels).append("}");
  out.append(" ").append(std::to_string(value)).append("\n");
}

std::string label(std::string_view key, std::string_view value) {
  return std::string{key} + "=\"" + std::string{value} + "\"";
}

} // namespace

// -- metric_histogram -------------------------------------------------------------------------

metric_histogram::metric_histogram(std::initializer_list<double> bounds) {
  for (double b : bounds)
    if (size_ < max_buckets)
      bounds_[size_++] = b;
}

void metric_histogram::observe(double value) {
  size_t i = 0;
  while (i < size_ && value > bounds_[i])
    ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  auto micros = static_cast<uint64_t>(std::llround(std::max(0.0, value) * 1e6));
  sum_micros_.fetch_add(micros, std::memory_order_relaxed);
}

void metric_histogram::render(std::string& out, std::string_view name,
                              std::string_view help) const {
  header(out, name, "histogram", help);
  uint64_t cumulative = 0;
  std::string bucket = std::string{name} + "_bucket";
  for (size_t i = 0; i <= size_; ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    double le = i < size_ ? bounds_[i] : INFINITY;
    sample(out, bucket, label("le", number(le)), cumulative);
  }
  out.append(name).append("_sum ")
     .append(number(static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6))
     .append("\n");
  sample(out, std::string{name} + "_count", "", cumulative);
}

// -- node_metrics ----------------------------------------------------------------------------

node_metrics::node_metrics() = default;

void node_metrics::run_started(std::string_view kind) {
  started_[kind_slot(kind)].fetch_add(1, std::memory_order_relaxed);
}

void node_metrics::run_finished(std::string_view kind, run_status status) {
  for (size_t s = 0; s < final_statuses.size(); ++s)
    if (final_statuses[s] == status)
      finished_[kind_slot(kind) * statuses + s].fetch_add(1, std::memory_order_relaxed);
}

void node_metrics::start_refused(refusal why) {
  refused_[static_cast<size_t>(why)].fetch_add(1, std::memory_order_relaxed);
}

void node_metrics::subscriber_added(subscriber_kind k) {
  subscribers_[static_cast<size_t>(k)].fetch_add(1, std::memory_order_relaxed);
}

void node_metrics::subscriber_removed(subscriber_kind k) {
  subscribers_[static_cast<size_t>(k)].fetch_sub(1, std::memory_order_relaxed);
}

void node_metrics::resumed(resume how) {
  resumes_[static_cast<size_t>(how)].fetch_add(1, std::memory_order_relaxed);
}

void node_metrics::render(std::string& out) const {
  auto load = [](const auto& a) { return a.load(std::memory_order_relaxed); };
  header(out, "runcast_runs_started_total", "counter", "Runs started on this node, by kind.");
  for (size_t k = 0; k < kinds; ++k)
    sample(out, "runcast_runs_started_total", label("kind", kind_names[k]), load(started_[k]));
  header(out, "runcast_runs_finished_total", "counter",
         "Runs that ended on this node, by kind and final status.");
  for (size_t k = 0; k < kinds; ++k)
    for (size_t s = 0; s < statuses; ++s)
      sample(out, "runcast_runs_finished_total",
             label("kind", kind_names[k]) + "," + label("status", to_string(final_statuses[s])),
             load(finished_[k * statuses + s]));
  header(out, "runcast_run_starts_refused_total", "counter",
         "Starts answered without a run, by reason: invalid (4xx), unavailable (503), "
         "overloaded (429, or 503 for streams), draining (503).");
  for (size_t r = 0; r < refusal_names.size(); ++r)
    sample(out, "runcast_run_starts_refused_total", label("reason", refusal_names[r]),
           load(refused_[r]));

  header(out, "runcast_events_emitted_total", "counter", "Events published by runs.");
  sample(out, "runcast_events_emitted_total", "", load(events_emitted));
  header(out, "runcast_events_persisted_total", "counter", "Events the store acknowledged.");
  sample(out, "runcast_events_persisted_total", "", load(events_persisted));
  header(out, "runcast_store_errors_total", "counter", "Store writes that failed.");
  sample(out, "runcast_store_errors_total", "", load(store_errors));
  header(out, "runcast_store_retries_total", "counter", "Store writes tried again.");
  sample(out, "runcast_store_retries_total", "", load(store_retries));
  store_batch_events.render(out, "runcast_store_write_batch_events",
                            "Events per store write batch.");
  store_write_seconds.render(out, "runcast_store_write_seconds",
                             "Time to write one batch to the store.");
  header(out, "runcast_event_log_frames", "gauge", "Frames event logs hold in memory.");
  sample(out, "runcast_event_log_frames", "", load(log_frames));
  header(out, "runcast_event_log_bytes", "gauge", "Bytes of frames event logs hold in memory.");
  sample(out, "runcast_event_log_bytes", "", load(log_bytes));

  // Event logs count every subscriber; relays to other nodes' clients are among them.
  auto relays = load(subscribers_[static_cast<size_t>(subscriber_kind::remote)]);
  auto all = load(subscribers_[static_cast<size_t>(subscriber_kind::local)]);
  header(out, "runcast_subscribers", "gauge",
         "Subscribers of this node's event logs: clients of this node (local), or relays to "
         "another node's client (remote).");
  sample(out, "runcast_subscribers", label("kind", subscriber_names[0]), all - relays);
  sample(out, "runcast_subscribers", label("kind", subscriber_names[1]), relays);
  header(out, "runcast_resumes_total", "counter", "Resumes by how they began.");
  for (size_t r = 0; r < resume_names.size(); ++r)
    sample(out, "runcast_resumes_total", label("outcome", resume_names[r]), load(resumes_[r]));
  header(out, "runcast_subscribers_cut_total", "counter",
         "Subscribers cut because their window stayed full (a stalled client).");
  sample(out, "runcast_subscribers_cut_total", "", load(subscribers_cut));
  header(out, "runcast_sse_sent_frames_total", "counter", "SSE events written to clients.");
  sample(out, "runcast_sse_sent_frames_total", "", load(sent_frames));
  header(out, "runcast_sse_sent_bytes_total", "counter", "SSE bytes written to clients.");
  sample(out, "runcast_sse_sent_bytes_total", "", load(sent_bytes));
}

} // namespace runcast
