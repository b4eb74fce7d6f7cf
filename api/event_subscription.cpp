#include "api/event_subscription_state.hpp"

#include "runtime/engine.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string_view>
#include <utility>

namespace runcast {

namespace {

/// Events read from the store per page when no log holds the run.
constexpr size_t store_page = 1000;

/// The value of the `name: ` line of an SSE frame, or nullopt.
std::optional<std::string_view> field(std::string_view frame, std::string_view name) {
  size_t at = 0;
  while (at < frame.size()) {
    auto end = frame.find('\n', at);
    if (end == std::string_view::npos)
      end = frame.size();
    auto line = frame.substr(at, end - at);
    if (line.size() > name.size() + 1 && line.substr(0, name.size()) == name
        && line[name.size()] == ':')
      return line.substr(name.size() + (line[name.size() + 1] == ' ' ? 2 : 1));
    at = end + 1;
  }
  return std::nullopt;
}

} // namespace

event_subscription::event_subscription(std::shared_ptr<state> s) : state_(std::move(s)) {
}

event_subscription::~event_subscription() {
  close();
}

void event_subscription::close() {
  if (state_)
    state_->close();
}

event_subscription::state::state(::runcast::runtime::engine& e, std::string id, int64_t next,
                                 event_handler handler)
  : engine(e), run_id(std::move(id)), handler_(std::move(handler)), next_(next) {
}

void event_subscription::state::attach(std::shared_ptr<subscription> sub) {
  size_t owed = 0;
  {
    std::lock_guard<std::recursive_mutex> lock{mutex_};
    if (done_) {
      sub->close();
      return;
    }
    sub_ = sub;
    owed = std::exchange(uncredited_, 0);
  }
  if (owed > 0)
    sub->credit(owed);
}

void event_subscription::state::deliver(std::string_view frame) {
  auto id = field(frame, "id");
  if (!id)
    return; // a meta frame
  auto index = std::strtoll(std::string{*id}.c_str(), nullptr, 10);
  if (index < next_)
    return;
  next_ = index + 1;
  run_event ev{index, std::string{field(frame, "event").value_or("")},
               std::string{field(frame, "data").value_or("")}};
  if (handler_.on_event)
    handler_.on_event(ev);
}

void event_subscription::state::on_frames(std::vector<frame_ptr> frames) {
  std::shared_ptr<subscription> sub;
  {
    std::lock_guard<std::recursive_mutex> lock{mutex_};
    if (done_)
      return;
    for (const auto& f : frames)
      deliver(f->view());
    sub = sub_;
    if (!sub)
      uncredited_ += frames.size();
  }
  // Delivered is written, for flow control: the handler has them.
  if (sub)
    sub->credit(frames.size());
}

void event_subscription::state::on_end(frame_ptr last, bool abort) {
  {
    std::lock_guard<std::recursive_mutex> lock{mutex_};
    if (done_)
      return;
    if (last)
      deliver(last->view());
  }
  if (abort)
    finish({false, "the run's event log stopped the subscription"});
  else
    finish({true, {}});
}

void event_subscription::state::on_not_found(const std::string& lost_owner) {
  read_store(lost_owner);
}

void event_subscription::state::read_store(std::string lost_owner) {
  int64_t from = 0;
  {
    std::lock_guard<std::recursive_mutex> lock{mutex_};
    if (done_)
      return;
    from = next_;
  }
  engine.load_events(
    run_id, from, store_page,
    [self = shared_from_this(), lost_owner](outcome<std::vector<stored_event>> page) {
      if (!page)
        return self->finish({false, page.error().detail});
      {
        std::lock_guard<std::recursive_mutex> lock{self->mutex_};
        if (self->done_)
          return;
        for (const auto& e : *page) {
          if (e.index < self->next_)
            continue;
          self->next_ = e.index + 1;
          if (self->handler_.on_event)
            self->handler_.on_event({e.index, e.type, e.data});
        }
      }
      if (page->size() == store_page)
        return self->read_store(lost_owner);
      if (lost_owner.empty())
        return self->finish({true, {}});
      self->finish({false, "the run's owner node " + lost_owner
                             + " is unreachable; its last events may be missing"});
    });
}

void event_subscription::state::finish(const subscription_end& end) {
  std::lock_guard<std::recursive_mutex> lock{mutex_};
  if (done_)
    return;
  done_ = true;
  sub_.reset();
  if (handler_.on_end)
    handler_.on_end(end);
}

void event_subscription::state::close() {
  std::shared_ptr<subscription> sub;
  {
    std::lock_guard<std::recursive_mutex> lock{mutex_};
    done_ = true;
    sub = std::move(sub_);
  }
  if (sub)
    sub->close();
}

} // namespace runcast
