#include "runnables/sse_line_parser.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace runcast::runnables;

namespace {

std::vector<std::string> feed_all(sse_line_parser& p, const std::vector<std::string>& pieces,
                                  bool* ok = nullptr) {
  std::vector<std::string> lines;
  bool all = true;
  for (const auto& piece : pieces)
    all = p.feed(piece, [&](std::string_view l) { lines.emplace_back(l); }) && all;
  if (ok)
    *ok = all;
  return lines;
}

} // namespace

TEST_CASE("sse_line_parser joins lines split across reads") {
  sse_line_parser p;
  auto lines = feed_all(p, {"data: {\"a\"", ":1}\n", "\ndata: [DO", "NE]\n\n"});
  CHECK(lines == std::vector<std::string>{"data: {\"a\":1}", "", "data: [DONE]", ""});
  CHECK(p.partial().empty());
}

TEST_CASE("sse_line_parser accepts CRLF and CR even when a CRLF is cut in two") {
  sse_line_parser p;
  auto lines = feed_all(p, {"one\r", "\ntwo\r\n\r", "\nthree\rfour\n"});
  CHECK(lines == std::vector<std::string>{"one", "two", "", "three", "four"});
}

TEST_CASE("sse_line_parser keeps an unfinished line as partial") {
  sse_line_parser p;
  auto lines = feed_all(p, {"done\ndata: tail"});
  CHECK(lines == std::vector<std::string>{"done"});
  CHECK(p.partial() == "data: tail");
}

TEST_CASE("sse_line_parser refuses a line over its bound and then everything") {
  sse_line_parser p{8};
  bool ok = true;
  auto lines = feed_all(p, {"short\n", "0123456", "789\n"}, &ok);
  CHECK_FALSE(ok);
  CHECK(lines == std::vector<std::string>{"short"});
  CHECK_FALSE(p.feed("x\n", [](std::string_view) {}));
}
