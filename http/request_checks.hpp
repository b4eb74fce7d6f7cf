#pragma once

#include "http/beast.hpp"

#include <optional>

// What a request must satisfy before it is routed, beyond what Beast's parser checks: the
// framing of its body (RFC 9112 6), its expectations (RFC 9110 10.1.1), its Host (RFC 9112
// 3.2) and its content coding (RFC 9110 8.4). Each refusal is the error answer to send.
namespace runcast::http {

/// From the header alone: the 400 answer to a body whose end cannot be known for sure, so
/// that its bytes could be read as another request (smuggling): a Transfer-Encoding other
/// than exactly `chunked` (RFC 9112 6.3: chunked must be the final coding, and runcast decodes
/// no other), or one together with Content-Length. The answer closes the connection.
std::optional<response> framing_refusal(const request& header);

/// True when the request may be answered but its connection must close after it: an
/// HTTP/1.0 message with Transfer-Encoding has faulty framing (RFC 9112 6.1).
bool closes_after(const request& header);

/// From the header alone: the 417 answer to an Expect other than 100-continue. An HTTP/1.0
/// request's expectations are ignored, as RFC 9110 10.1.1 requires.
std::optional<response> expectation_refusal(const request& header);

/// True when the client waits for "100 Continue" before it sends the body.
bool expects_continue(const request& header);

/// For a whole request: the 400 answer to an HTTP/1.1 request without Host, or any request
/// with several Host fields or an invalid one (uri-host [":" port], no userinfo); the 415
/// answer, with `Accept-Encoding: identity`, to a Content-Encoding other than identity
/// (runcast decodes none, and reading such a body as plain would misread it).
std::optional<response> request_refusal(const request& req);

} // namespace runcast::http
