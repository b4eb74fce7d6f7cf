// GET /metrics: the node's figures in the Prometheus text format 0.0.4 — the runtime's
// gauges (asked of the run manager), the node's counters and histograms (core/node_metrics),
// the cluster's peers and the process's own figures.

#include "core/process_metrics.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/http_session.hpp"

namespace runcast::http {

namespace {

template <class T>
void metric(std::string& body, const char* name, const char* type, const char* help, T value) {
  body.append("# HELP ").append(name).append(" ").append(help).append("\n");
  body.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  body.append(name).append(" ").append(std::to_string(value)).append("\n");
}

void runtime_gauges(std::string& body, const runtime::runtime_stats& st) {
  metric(body, "runcast_event_logs", "gauge", "Runs whose event log is held in memory.",
         st.event_logs);
  metric(body, "runcast_live_runs", "gauge", "Runs still executing on this node.",
         st.live_runs);
  metric(body, "runcast_unpersisted_bytes", "gauge",
         "Bytes of events published and not yet in the store, all runs.", st.unpersisted_bytes);
  metric(body, "runcast_finished_logs", "gauge",
         "Finished runs whose event log is kept in memory for resumes.", st.finished_logs);
  metric(body, "runcast_finished_log_bytes", "gauge", "Bytes those finished logs hold.",
         st.finished_bytes);
  metric(body, "runcast_finished_log_evictions_total", "counter",
         "Finished logs evicted by the node's bounds (the store serves them).", st.evictions);
  metric(body, "runcast_producer_pauses_total", "counter",
         "Times a run's producer was paused because its events were not yet stored.",
         st.producer_pauses);
  metric(body, "runcast_store_outage_failures_total", "counter",
         "Runs failed because the store took no write for the store outage limit.",
         st.store_failures);
}

} // namespace

void handle_metrics(const std::shared_ptr<http_session>& s) {
  auto& engine = s->ctx().engine;
  engine.stats([s, &engine](outcome<runtime::runtime_stats> st) {
    if (!st)
      return reply(s, st.error());
    std::string body;
    runtime_gauges(body, *st);
    metric(body, "runcast_sse_streams_open", "gauge",
           "SSE streams open on this node (bounded by max_streams).", s->ctx().streams->size());
    engine.metrics().render(body);
    engine.peers([s, body = std::move(body)](std::vector<std::string> peers) mutable {
      metric(body, "runcast_cluster_peers", "gauge", "Cluster peers connected to this node.",
             peers.size());
      render_process_metrics(body);
      s->respond_with(bhttp::status::ok, "text/plain; version=0.0.4", std::move(body));
    });
  });
}

} // namespace runcast::http
