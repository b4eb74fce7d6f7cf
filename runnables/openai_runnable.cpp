#include "runnables/openai_runnable.hpp"

#include "runnables/openai_conversation.hpp"
#include "runnables/tls_context_cache.hpp"

#include <cstdlib>
#include <stdexcept>

namespace runcast::runnables {

openai_runnable::openai_runnable(openai_config cfg, std::shared_ptr<tool_runner> tools,
                                 std::shared_ptr<ssl::context> tls)
  : cfg_(std::move(cfg)), tools_(std::move(tools)), tls_(std::move(tls)) {
}

void openai_runnable::start(std::shared_ptr<actors::run_context> ctx) {
  std::string key;
  if (!cfg_.api_key_env.empty()) {
    // Read at each run's start, so a rotated key takes effect without a restart.
    const char* value = std::getenv(cfg_.api_key_env.c_str());
    if (!value || !*value) {
      ctx->fail("the model's API key is missing: environment variable " + cfg_.api_key_env +
                " (api_key_env) is not set");
      return;
    }
    key = value;
  }
  if (cfg_.tls && !tls_) {
    try {
      tls_ = tls_context_cache::make(cfg_.ca_file);
    } catch (const std::exception& e) {
      ctx->fail(e.what());
      return;
    }
  }
  std::make_shared<openai_conversation>(std::move(ctx), cfg_, tools_, tls_, std::move(key))
    ->start();
}

actors::runnable_factory openai_runnable::factory(std::shared_ptr<tool_runner> tools) {
  auto contexts = std::make_shared<tls_context_cache>();
  return [tools = std::move(tools), contexts](const component& c, const actors::run_info&) {
    auto cfg = openai_config::from_component(c);
    auto tls = cfg.tls ? contexts->get(cfg.ca_file) : nullptr;
    return std::make_shared<openai_runnable>(std::move(cfg), tools, std::move(tls));
  };
}

} // namespace runcast::runnables
