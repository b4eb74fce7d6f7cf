#pragma once

// The request corpus (tests/integration/request_corpus/*.txt): hostile and malformed HTTP
// requests as data, each with the answer the server must give. request_corpus/README.md
// describes the file format.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runcast::test {

/// What the client does once it has written a case's bytes.
enum class after_send {
  wait,     ///< nothing: it reads the answer with its write side open
  shutdown, ///< shuts its write side (a half-closed socket), then reads
  reset     ///< aborts the connection (RST) without reading
};

/// The state the connection must be in after the answers.
enum class connection_end {
  closed, ///< the server closes it (EOF or reset) and sends nothing more
  kept    ///< it stays open: a GET /health on the same connection answers 200
};

/// One case: the exact bytes to send and what must come back.
struct corpus_case {
  std::string name;
  std::string where;              ///< "file:line", for failure messages
  std::string bytes;              ///< the request bytes, escapes expanded
  after_send then = after_send::wait;
  std::vector<int> statuses;      ///< the answers' status codes in order; empty: no answer
  connection_end end = connection_end::closed;
  bool head = false;              ///< the answers are to HEAD requests, so carry no body
  std::string detail;             ///< text the first error answer's `detail` must contain
  std::string bug;                ///< set: the server is known to answer this case wrongly
  std::vector<std::string> server_args; ///< set: the case needs a server started with these
  int repeat = 1;                 ///< times to send it (a racy answer must be right each time)
};

/// Expands the corpus escapes of `text` (`\r \n \t \0 \\ \$ \{ \} \xHH`, `${N*text}`
/// repeats); `${CL}` becomes `content_length` in decimal. Throws std::invalid_argument on a
/// malformed escape or on `${CL}` without a length.
std::string expand_corpus_text(std::string_view text,
                               std::optional<std::size_t> content_length = std::nullopt);

/// Reads the cases of one corpus file. Throws std::runtime_error, naming the line, on a
/// malformed file: a corpus that silently loses cases would test less than it claims.
std::vector<corpus_case> load_corpus(const std::filesystem::path& file);

} // namespace runcast::test
