#include "http/stream_registry.hpp"

#include "http/sse_stream.hpp"

#include <vector>

namespace runcast::http {

stream_ticket::stream_ticket(std::shared_ptr<stream_registry> registry, uint64_t id)
  : registry_(std::move(registry)), id_(id) {
}

stream_ticket::~stream_ticket() {
  registry_->release(id_);
}

void stream_ticket::bind(const std::shared_ptr<sse_stream>& stream) {
  registry_->bind(id_, stream);
}

std::shared_ptr<stream_ticket> stream_registry::reserve(size_t max) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (closed_ || streams_.size() >= max)
    return nullptr;
  auto id = next_id_++;
  streams_.emplace(id, std::weak_ptr<sse_stream>{});
  return std::make_shared<stream_ticket>(shared_from_this(), id);
}

size_t stream_registry::size() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return streams_.size();
}

void stream_registry::end_all() {
  std::vector<std::shared_ptr<sse_stream>> open;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    closed_ = true;
    for (const auto& [id, weak] : streams_)
      if (auto s = weak.lock())
        open.push_back(std::move(s));
  }
  // Outside the lock: finishing a stream may release its ticket on another thread.
  for (const auto& s : open)
    s->finish(nullptr, false);
}

void stream_registry::bind(uint64_t id, std::weak_ptr<sse_stream> stream) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (auto i = streams_.find(id); i != streams_.end())
    i->second = std::move(stream);
}

void stream_registry::release(uint64_t id) {
  std::lock_guard<std::mutex> guard{mutex_};
  streams_.erase(id);
}

} // namespace runcast::http
