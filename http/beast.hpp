#pragma once

// Namespace aliases for Asio and Beast, as in Beast's own examples. Only here.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace runcast::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

/// The request type every handler sees: the body is read whole, within `limits::max_body_bytes`.
using request = bhttp::request<bhttp::string_body>;

/// The response type of every non-streaming answer.
using response = bhttp::response<bhttp::string_body>;

} // namespace runcast::http
