#include "http/busy_writers.hpp"

#include <catch2/catch.hpp>

#include <list>

using runcast::http::busy_writers;
namespace net = boost::asio;

TEST_CASE("a stream writing alone on its io_context writes directly, a few take long slices, "
          "many short ones") {
  net::io_context io;
  auto& writers = net::use_service<busy_writers>(io);
  CHECK(&writers == &net::use_service<busy_writers>(io)); // one per context
  CHECK(writers.slice_buffers() == busy_writers::direct_slice_buffers);
  std::list<busy_writers::guard> writing;
  writing.emplace_back(writers); // the asking write counts itself
  CHECK(writers.slice_buffers() == busy_writers::direct_slice_buffers);
  writing.emplace_back(writers);
  CHECK(writers.slice_buffers() == busy_writers::long_slice_buffers);
  while (writing.size() < busy_writers::few)
    writing.emplace_back(writers);
  CHECK(writers.slice_buffers() == busy_writers::long_slice_buffers);
  writing.emplace_back(writers);
  CHECK(writers.slice_buffers() == busy_writers::long_slice_buffers); // none waits (below)
  busy_writers::first_wait waiting{writers};
  CHECK(writers.slice_buffers() == busy_writers::short_slice_buffers);

  // Another context's writers are counted apart.
  net::io_context other;
  CHECK(net::use_service<busy_writers>(other).slice_buffers()
        == busy_writers::direct_slice_buffers);

  writing.pop_front(); // a write done
  CHECK(writers.slice_buffers() == busy_writers::long_slice_buffers);
  while (writing.size() > 1)
    writing.pop_back();
  CHECK(writers.slice_buffers() == busy_writers::direct_slice_buffers);
  writing.clear();
  CHECK(writers.slice_buffers() == busy_writers::direct_slice_buffers);
}

TEST_CASE("many streams writing take long slices once none waits for its first event") {
  net::io_context io;
  auto& writers = net::use_service<busy_writers>(io);
  std::list<busy_writers::guard> writing;
  while (writing.size() <= busy_writers::few)
    writing.emplace_back(writers);
  CHECK(writers.slice_buffers() == busy_writers::long_slice_buffers); // nobody waiting
  std::list<busy_writers::first_wait> waiting;
  waiting.emplace_back(writers);
  waiting.emplace_back(writers);
  CHECK(writers.slice_buffers() == busy_writers::short_slice_buffers);
  waiting.pop_front(); // one stream's first event went out
  CHECK(writers.slice_buffers() == busy_writers::short_slice_buffers);
  waiting.clear(); // and the other's
  CHECK(writers.slice_buffers() == busy_writers::long_slice_buffers);

  // Few writers take long slices whoever waits; one alone writes directly.
  waiting.emplace_back(writers);
  while (writing.size() > busy_writers::few)
    writing.pop_back();
  CHECK(writers.slice_buffers() == busy_writers::long_slice_buffers);
  while (writing.size() > 1)
    writing.pop_back();
  CHECK(writers.slice_buffers() == busy_writers::direct_slice_buffers);
}
