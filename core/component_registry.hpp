#pragma once

#include "core/component.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace runcast {

/// The components a server offers, by kind and id. Immutable after startup, so it is shared
/// by every thread without a lock.
class component_registry {
public:
  /// The demo set used when no `--config` is given: agent `echo`, team `echo-team` (two
  /// echo members in parallel), workflow `echo-flow` (two echo steps).
  static component_registry demo();

  /// Loads `{"agents":[{"id","name","description","runnable","params"}], ...}` from a JSON
  /// file. Throws std::runtime_error naming the file and the problem.
  static component_registry from_file(const std::string& path);

  /// Adds a component; throws std::invalid_argument on a duplicate or an unknown kind.
  void add(component c);

  /// The component, or nullptr.
  const component* find(std::string_view kind, std::string_view id) const;

  /// All components of a kind, in configuration order.
  std::vector<const component*> list(std::string_view kind) const;

  /// True for "agents", "teams", "workflows".
  static bool is_kind(std::string_view kind);

private:
  std::vector<component> components_;
};

} // namespace runcast
