#include "http/request_checks.hpp"

#include "http/json_response.hpp"

#include <boost/url/authority_view.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace runcast::http {

namespace {

/// The elements of every `name` field of `req`, in order; nullopt when a value is no valid
/// list of tokens (RFC 9110 5.6.1).
std::optional<std::vector<std::string_view>> tokens_of(const request& req, bhttp::field name) {
  std::vector<std::string_view> out;
  for (auto [it, end] = req.equal_range(name); it != end; ++it) {
    bhttp::opt_token_list list{it->value()};
    if (!bhttp::validate_list(list))
      return std::nullopt;
    for (auto token : list)
      out.emplace_back(token.data(), token.size());
  }
  return out;
}

/// Tokens compare case-insensitively (RFC 9110 5.6.2).
bool is(std::string_view token, std::string_view name) {
  return beast::iequals(beast::string_view{token.data(), token.size()},
                        beast::string_view{name.data(), name.size()});
}

/// A Host value is uri-host [":" port] (RFC 9110 7.2): an authority without userinfo.
bool valid_host(std::string_view value) {
  // An owned copy, NUL-terminated: Boost.URL is not given views into a larger buffer.
  const std::string text{value};
  auto authority = boost::urls::parse_authority(text);
  return authority && !authority->has_userinfo();
}

/// True when every element of the `name` fields is `token` (vacuously so for none); false
/// as well when a value is no list of tokens.
bool all_are(const request& req, bhttp::field name, std::string_view token) {
  auto elements = tokens_of(req, name);
  return elements && std::all_of(elements->begin(), elements->end(),
                                  [&](std::string_view e) { return is(e, token); });
}

} // namespace

std::optional<response> framing_refusal(const request& header) {
  if (header.count(bhttp::field::transfer_encoding) == 0)
    return std::nullopt;
  auto codings = tokens_of(header, bhttp::field::transfer_encoding);
  std::string detail;
  if (header.count(bhttp::field::content_length) > 0)
    detail = "Transfer-Encoding with Content-Length: the body's length is ambiguous";
  else if (!codings || codings->size() != 1 || !is(codings->front(), "chunked"))
    detail = "Transfer-Encoding must be chunked alone: runcast decodes no other coding";
  if (detail.empty())
    return std::nullopt;
  auto res = error_response(header, bhttp::status::bad_request, detail);
  res.keep_alive(false); // where this body ends is unknown: nothing after it can be read
  return res;
}

bool closes_after(const request& header) {
  return header.version() < 11 && header.count(bhttp::field::transfer_encoding) > 0;
}

std::optional<response> expectation_refusal(const request& header) {
  if (header.version() < 11 || all_are(header, bhttp::field::expect, "100-continue"))
    return std::nullopt;
  return error_response(header, bhttp::status::expectation_failed,
                        "unsupported expectation: only Expect: 100-continue is met");
}

bool expects_continue(const request& header) {
  return header.version() >= 11 && header.count(bhttp::field::expect) > 0
         && all_are(header, bhttp::field::expect, "100-continue");
}

std::optional<response> request_refusal(const request& req) {
  auto hosts = req.count(bhttp::field::host);
  if (hosts == 0 && req.version() >= 11)
    return error_response(req, bhttp::status::bad_request,
                          "an HTTP/1.1 request needs a Host header");
  if (hosts > 1)
    return error_response(req, bhttp::status::bad_request, "more than one Host header");
  if (hosts == 1) {
    auto host = req[bhttp::field::host];
    if (!valid_host({host.data(), host.size()}))
      return error_response(req, bhttp::status::bad_request,
                            "invalid Host header: expected host[:port]");
  }
  if (!all_are(req, bhttp::field::content_encoding, "identity")) {
    auto res = error_response(req, bhttp::status::unsupported_media_type,
                              "Content-Encoding is not supported: send the body unencoded");
    res.set(bhttp::field::accept_encoding, "identity"); // what it takes (RFC 9110 15.5.16)
    return res;
  }
  return std::nullopt;
}

} // namespace runcast::http
