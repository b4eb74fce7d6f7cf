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
