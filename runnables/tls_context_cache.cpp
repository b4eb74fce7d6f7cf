#include "runnables/tls_context_cache.hpp"

#include <stdexcept>

namespace runcast::runnables {

std::shared_ptr<ssl::context> tls_context_cache::make(const std::string& ca_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (ca_file.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(ca_file, ec);
  if (ec)
    throw std::invalid_argument("openai runnable: cannot load " +
                                (ca_file.empty() ? std::string{"the system CAs"}
                                                 : "ca_file " + ca_file) +
                                ": " + ec.message());
  return ctx;
}

std::shared_ptr<ssl::context> tls_context_cache::get(const std::string& ca_file) {
  // Built under the lock: two runs racing for a new file must not both load it.
  std::lock_guard<std::mutex> guard{mutex_};
  if (auto it = contexts_.find(ca_file); it != contexts_.end())
    return it->second;
  auto ctx = make(ca_file);
  if (contexts_.size() < max_entries)
    contexts_.emplace(ca_file, ctx);
  return ctx;
}

} // namespace runcast::runnables
