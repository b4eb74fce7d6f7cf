// Fuzzes the config file check (core/config_file.hpp): the JSON parse with its duplicate-key
// finder, every component check (agents with models, tools and commands; teams; workflows
// with nested steps, regexes and cycles) and the "server" section, checked as
// `runcast check-config` does (app/server_section.hpp, secrets not resolved). Input: the
// file's text. The runnables are the builtins' names (runnables/builtins.hpp).
//
// Checks, beyond "no crash, no sanitizer report":
// - ok() exactly when there are no errors, and only then components;
// - every error names "" or a JSON pointer that exists in the document (unless keys repeat),
//   and says what is wrong without C0 control characters (messages are printed on the
//   operator's terminal);
// - an accepted file's components load into a component_registry (what serve does next:
//   it throws on a duplicate or an unknown kind) and describe themselves as JSON;
// - count() and summary() agree with the components.

#include "core/config_file.hpp"

#include "app/server_section.hpp"
#include "core/component_registry.hpp"
#include "fuzz/fuzz_check.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

using namespace runcast;

namespace {

const std::set<std::string> runnables{"command", "echo", "openai", "team", "workflow"};

void check_server(const config_json& server, const std::string& path, config_checker& check) {
  app::serve_options options;
  app::apply_server_section(server, path, check, options, false);
}

void check_errors(const config_file& file, const std::string& text) {
  auto doc = config_json::parse(text, nullptr, false);
  // With a repeated key the parsed document keeps one of the values, while the paths name
  // places in the text: they need not exist in `doc`.
  bool repeated_keys = std::any_of(file.errors().begin(), file.errors().end(),
                                   [](const config_error& e) {
                                     return e.message.rfind("duplicate key", 0) == 0;
                                   });
  for (const auto& e : file.errors()) {
    FUZZ_CHECK(!e.message.empty(), "an error says what is wrong");
    // The messages quote what the file says with json_string(), so that no control
    // character (ESC above all) reaches the operator's terminal. DEL and bytes past 0x7F
    // may: the parser's own message shows the bytes it stopped at, escaping only C0.
    auto control = [](char c) { return c >= 0 && c < 0x20; };
    FUZZ_CHECK(std::none_of(e.message.begin(), e.message.end(), control),
               "an error message has no control characters");
    (void)e.to_string();
    if (doc.is_discarded()) {
      FUZZ_CHECK(file.errors().size() == 1 && e.path.empty(),
                 "invalid JSON is one error about the whole document");
      continue;
    }
    try {
      config_json::json_pointer at{e.path};
      FUZZ_CHECK(repeated_keys || doc.contains(at), "the pointer exists");
    } catch (const config_json::parse_error&) {
      FUZZ_CHECK(false, "an error's path is a JSON pointer");
    }
  }
}

void check_components(const config_file& file) {
  component_registry registry;
  for (const auto& c : file.components()) {
    try {
      registry.add(c);
    } catch (const std::invalid_argument&) {
      FUZZ_CHECK(false, "an accepted file's components load into a registry");
    }
    (void)c.to_json().dump();
    (void)c.spec.dump();
    (void)c.params.dump();
  }
  FUZZ_CHECK(file.count("agents") + file.count("teams") + file.count("workflows")
               == file.components().size(),
             "every component has one of the three kinds");
  FUZZ_CHECK(!file.summary().empty(), "a summary");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text{reinterpret_cast<const char*>(data), size};
  auto file = config_file::parse(text, runnables, check_server);
  FUZZ_CHECK(file.ok() == file.errors().empty(), "ok() means no errors");
  FUZZ_CHECK(file.ok() || file.components().empty(), "components only from a good file");
  check_errors(file, text);
  check_components(file);
  return 0;
}
