#pragma once

#include "http/beast.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace runcast::http {

/// Parses one request into a `request`, as bhttp::request_parser<string_body> does, with the
/// bounds Beast's own parser leaves out. Beast's fields store no name or value past 65533
/// bytes and throw std::length_error from inside the read (no handler of ours can catch it),
/// so a longer one is refused here as header_limit first. Trailer fields count against the
/// header limit and are dropped, never merged into the header (RFC 9110 6.5.1). Chunk
/// extensions count against the body limit with the chunk data they come with.
class bounded_request_parser : public bhttp::basic_parser<true> {
public:
  /// Longest field name or value Beast's fields can hold.
  static constexpr std::size_t max_field_bytes = 65533;

  /// A parser for one request within these limits.
  bounded_request_parser(std::uint32_t header_bytes, std::uint64_t body_bytes);

  /// The request read so far: its header once is_header_done(), all of it once is_done().
  request& get() {
    return msg_;
  }

  /// Takes the request out; the parser is spent.
  request release() {
    return std::move(msg_);
  }

  /// The error for a read that stopped because the buffer holding the unparsed bytes,
  /// `unparsed`, is full: header_limit while in the header or the trailer section,
  /// body_limit while in a chunk-size line (its digits and extensions are body framing).
  beast::error_code overflow_error(std::string_view unparsed) const;

private:
  void on_request_impl(bhttp::verb method, beast::string_view method_str,
                       beast::string_view target, int version,
                       beast::error_code& ec) override;
  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override;
  void on_field_impl(bhttp::field name, beast::string_view name_string,
                     beast::string_view value, beast::error_code& ec) override;
  void on_header_impl(beast::error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         beast::error_code& ec) override;
  std::size_t on_body_impl(beast::string_view body, beast::error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, beast::string_view extensions,
                            beast::error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, beast::string_view body,
                                 beast::error_code& ec) override;
  void on_finish_impl(beast::error_code& ec) override;

  request msg_;
  bhttp::string_body::reader body_; ///< after msg_: it writes into msg_'s body
  std::uint32_t header_limit_;
  std::uint64_t body_limit_;
  std::uint64_t trailer_bytes_ = 0; ///< the trailer section's fields so far
  std::uint64_t chunked_bytes_ = 0; ///< chunk data and extensions so far
};

} // namespace runcast::http
