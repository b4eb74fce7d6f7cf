#pragma once

#include "actors/runnable.hpp"
#include "core/component.hpp"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace runcast::actors {

/// Builds a runnable for one run of component `c` (its configuration is `c.spec`, set by the
/// operator; `info.params` holds the component's defaults with the request's fields over
/// them). Throws std::invalid_argument with a client-facing message for bad parameters (the
/// request is then refused with 422).
using runnable_factory =
  std::function<std::shared_ptr<runnable>(const component& c, const run_info& info)>;

/// The runnables a node can execute, by the name components give in their `runnable` field
/// ("echo"). runnables/builtins.hpp registers the ones runcast ships; embedding programs add
/// their own. Immutable once the runtime starts.
class runnable_registry {
public:
  /// Adds a runnable; throws std::invalid_argument if the name is taken.
  void add(const std::string& name, runnable_factory factory);

  /// True if `name` is registered.
  bool contains(const std::string& name) const;

  /// Every registered name, sorted (what a config file's agents may name).
  std::set<std::string> names() const;

  /// The runnable `c` names, for one run: `info.params` is set to the component's defaults
  /// with the request's `params` over them. Throws std::invalid_argument for an unknown
  /// runnable or a bad parameter.
  std::shared_ptr<runnable> make(const component& c, run_info& info,
                                 const nlohmann::json& params) const;

private:
  std::map<std::string, runnable_factory> factories_;
};

/// Reads an integer parameter given as a JSON number or a decimal string (form fields):
/// `fallback` when absent; throws std::invalid_argument naming it when it is not an integer
/// in [lo, hi].
long int_param(const nlohmann::json& params, const char* name, long fallback, long lo, long hi);

} // namespace runcast::actors
