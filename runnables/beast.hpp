#pragma once

// Namespace aliases for Asio, Beast and Asio's SSL for the runnables module, as in Beast's
// own examples. Only here (http/beast.hpp is the HTTP server's; runnables may not include it).
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace runcast::runnables {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

} // namespace runcast::runnables
