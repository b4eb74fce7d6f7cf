#include "runnables/bench_runnable.hpp"

#include <algorithm>
#include <charconv>

namespace runcast::runnables {

namespace {
// At most this many events per step: the run actor batches steps anyway, and a step must not
// hold its thread long.
constexpr int64_t max_per_step = 1024;

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

bench_runnable::bench_runnable(params p, std::string content_event)
  : p_(p), content_event_(std::move(content_event)) {
}

std::string bench_runnable::make_content(int64_t ns) const {
  // One allocation: the producer's own cost counts in every figure it drives.
  char stamp[24];
  auto stamp_end = std::to_chars(stamp, stamp + sizeof stamp, ns).ptr;
  auto stamp_size = static_cast<size_t>(stamp_end - stamp);
  std::string s;
  s.reserve(std::max<size_t>(p_.bytes, stamp_size + 4));
  s.append("ts=").append(stamp, stamp_size).push_back(';');
  if (s.size() < p_.bytes)
    s.resize(p_.bytes, 'x');
  return s;
}

actors::step bench_runnable::next() {
  actors::step s;
  if (!waited_) {
    waited_ = true;
    start_ = std::chrono::steady_clock::now() + p_.wait;
    start_wall_ns_ = wall_ns() + std::chrono::nanoseconds{p_.wait}.count();
    if (p_.wait.count() > 0) {
      s.delay = p_.wait;
      return s;
    }
  }
  if (emitted_ >= p_.events) {
    s.last = true;
    s.output = std::to_string(emitted_) + " events";
    return s;
  }
  if (p_.rate <= 0) {
    s.events.push_back({content_event_, make_content(wall_ns())});
    ++emitted_;
    return s; // no delay: the run actor takes the next step at once, batching them
  }
  // Paced: emit what the schedule says is due, then sleep until the next one is.
  using namespace std::chrono;
  auto elapsed = duration_cast<nanoseconds>(steady_clock::now() - start_).count();
  auto due = std::min(p_.events, elapsed * p_.rate / 1'000'000'000 + 1);
  for (auto n = std::min(due - emitted_, max_per_step); n > 0; --n, ++emitted_)
    s.events.push_back(
      {content_event_, make_content(start_wall_ns_ + emitted_ * 1'000'000'000 / p_.rate)});
  auto next_at = nanoseconds{emitted_ * 1'000'000'000 / p_.rate};
  auto wait = duration_cast<milliseconds>(next_at - nanoseconds{elapsed});
  s.delay = std::max(wait, milliseconds{1});
  return s;
}

} // namespace runcast::runnables
