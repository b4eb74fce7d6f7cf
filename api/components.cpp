#include "runcast/components.hpp"

#include "api/component_parts.hpp"
#include "api/function_runnable.hpp"
#include "core/config_file.hpp"
#include "runnables/builtins.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace runcast {

namespace {

/// The caller's CAF actor type as a runnable: one actor per run.
class spawned_actor_runnable : public actors::actor_runnable {
public:
  explicit spawned_actor_runnable(std::function<runnable_actor(caf::actor_system&)> spawn)
    : spawn_(std::move(spawn)) {
  }

  runnable_actor spawn(caf::actor_system& sys) override {
    return spawn_(sys);
  }

private:
  std::function<runnable_actor(caf::actor_system&)> spawn_;
};

} // namespace

components::components() : parts_(std::make_shared<parts>()) {
  parts_->runnables = runnables::builtins();
}

components components::demo() {
  components c;
  c.parts_->registry = component_registry::demo();
  return c;
}

components& components::load_file(const std::string& path) {
  auto file = config_file::load(path, parts_->runnables.names());
  if (!file.ok()) {
    std::string what = path + ":";
    for (const auto& e : file.errors())
      what += "\n  " + e.to_string();
    throw std::invalid_argument(what);
  }
  for (const auto& c : file.components())
    add(c);
  return *this;
}

components& components::agent(std::string id, std::string name, std::string runnable,
                              nlohmann::json params, nlohmann::json spec) {
  return add({"agents", std::move(id), std::move(name), "", std::move(runnable),
              std::move(params), std::move(spec)});
}

components& components::team(std::string id, std::string name,
                             std::vector<std::string> members, std::string mode) {
  return add({"teams", std::move(id), std::move(name), "", "team", nlohmann::json::object(),
              {{"mode", std::move(mode)}, {"members", std::move(members)},
               {"on_member_error", "fail"}}});
}

components& components::workflow(std::string id, std::string name, nlohmann::json steps) {
  return add({"workflows", std::move(id), std::move(name), "", "workflow",
              nlohmann::json::object(), {{"steps", std::move(steps)}}});
}

components& components::add(component c) {
  parts_->registry.add(std::move(c));
  return *this;
}

components& components::runnable(const std::string& name, runnable_factory factory) {
  parts_->runnables.add(name, std::move(factory));
  return *this;
}

components& components::function(const std::string& name, function_body body) {
  if (!parts_->pool)
    parts_->pool = std::make_shared<boost::asio::thread_pool>(parts_->pool_threads);
  return runnable(name, [body = std::move(body), pool = parts_->pool](const component&,
                                                                       const run_info&) {
    return std::make_shared<function_runnable>(body, pool);
  });
}

components& components::function_threads(std::size_t n) {
  if (parts_->pool)
    throw std::logic_error("function_threads must be set before the first function()");
  parts_->pool_threads = std::max<std::size_t>(1, n);
  return *this;
}

components& components::actor(const std::string& name,
                              std::function<runnable_actor(caf::actor_system&)> spawn) {
  return runnable(name, [spawn = std::move(spawn)](const component&, const run_info&) {
    return std::make_shared<spawned_actor_runnable>(spawn);
  });
}

} // namespace runcast
