#pragma once

#include <set>
#include <string>

namespace runcast {

/// What the parts of a configuration file may refer to: the runnables the binary has and
/// the ids the file declares (collected before the parts are checked, so a team may name an
/// agent declared after it).
struct config_names {
  std::set<std::string> runnables; ///< what an agent's "runnable" may be ("team" and
                                   ///< "workflow" excluded: those run teams and workflows)
  std::set<std::string> agents;    ///< agent ids of the file
  std::set<std::string> teams;     ///< team ids of the file
  std::set<std::string> workflows; ///< workflow ids of the file
};

} // namespace runcast
