#include "http/gathered_write.hpp"

#include <catch2/catch.hpp>

#include <iterator>
#include <sstream>
#include <string>
#include <vector>

using runcast::make_frame;
using runcast::http::gathered_write;
namespace net = boost::asio;

namespace {

/// The bytes left to write, as the socket would see them.
std::string rest_bytes(const gathered_write& w) {
  std::string out;
  for (auto b : w.rest())
    out.append(static_cast<const char*>(b.data()), b.size());
  return out;
}

} // namespace

TEST_CASE("a gathered write is the header, then its frames as one HTTP chunk") {
  gathered_write w{make_frame("HEAD\r\n\r\n"), {make_frame("ab"), make_frame(""),
                                                 make_frame(std::string(20, 'x'))}};
  auto all = "HEAD\r\n\r\n16\r\nab" + std::string(20, 'x') + "\r\n";
  CHECK(rest_bytes(w) == all);
  CHECK(w.bytes() == all.size());
  CHECK(w.frames() == 3);
  for (auto b : w.rest())
    CHECK(b.size() > 0); // an empty buffer would cost an iovec for nothing

  gathered_write later{nullptr, {make_frame("abc")}};
  CHECK(rest_bytes(later) == "3\r\nabc\r\n");
}

TEST_CASE("a gathered write goes on from any byte the socket stopped at") {
  std::vector<runcast::frame_ptr> frames;
  std::string chunk;
  for (int i = 0; i < 100; ++i) {
    frames.push_back(make_frame("frame " + std::to_string(i) + "\n"));
    chunk += frames.back()->view();
  }
  gathered_write w{make_frame("HEAD"), frames};
  std::ostringstream size_line;
  size_line << std::hex << chunk.size() << "\r\n";
  auto all = "HEAD" + size_line.str() + chunk + "\r\n";
  CHECK(w.bytes() == all.size());
  std::string written;
  // Partial writes of awkward sizes: inside buffers, across several, exactly at their ends.
  size_t step = 1;
  while (true) {
    auto slice = rest_bytes(w);
    auto buffers = static_cast<size_t>(std::distance(w.rest().begin(), w.rest().end()));
    REQUIRE(buffers > 0);
    REQUIRE(buffers <= gathered_write::default_slice_buffers); // one system call's worth
    REQUIRE(all.compare(written.size(), slice.size(), slice) == 0);
    auto n = std::min(step, slice.size());
    written += slice.substr(0, n);
    step = step * 3 % 47 + 1;
    if (w.consume(n))
      break;
  }
  CHECK(written == all);
  CHECK(w.rest().begin() == w.rest().end());
  CHECK(w.consume(0)); // done stays done
}

TEST_CASE("a gathered write hands out slices of the size asked, up to its most") {
  std::vector<runcast::frame_ptr> frames;
  for (int i = 0; i < 1200; ++i)
    frames.push_back(make_frame("f" + std::to_string(i) + "\n"));
  gathered_write w{make_frame("HEAD"), frames};
  auto count = [](gathered_write::slice s) {
    return static_cast<size_t>(std::distance(s.begin(), s.end()));
  };
  CHECK(count(w.rest()) == gathered_write::default_slice_buffers);
  CHECK(count(w.rest(64)) == 64);
  CHECK(count(w.rest(1)) == 1);
  CHECK(count(w.rest(1000)) == 1000);
  CHECK(count(w.rest(5000)) == gathered_write::max_slice_buffers);
}
