#pragma once

#include "core/config_error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runcast {

/// A configuration document as parsed: keys keep their file order, so errors come out in
/// document order.
using config_json = nlohmann::ordered_json;

/// `path` extended by an object key (escaped as RFC 6901 says: "~" → "~0", "/" → "~1").
std::string pointer(const std::string& path, std::string_view key);

/// `path` extended by an array index.
std::string pointer(const std::string& path, size_t index);

/// `text` as a JSON string literal, for messages: control characters cannot reach a terminal.
std::string json_string(std::string_view text);

/// True for names a POSIX shell accepts as an environment variable: [A-Za-z_][A-Za-z0-9_]*.
bool is_env_name(std::string_view name);

/// Checks the values of a configuration document and collects every problem, in the order
/// they are found (document order when the caller walks the document in order). The typed
/// readers return nullopt for an absent key and for a wrong value, which they record; so a
/// caller checks everything and reads what is usable in one pass.
class config_checker {
public:
  // -- results ---------------------------------------------------------------------------

  /// Records a problem at `path`.
  void fail(std::string path, std::string message);

  /// Every problem so far.
  const std::vector<config_error>& errors() const { return errors_; }

  /// How many problems so far (compare before and after a check to see if it passed).
  size_t error_count() const { return errors_.size(); }

  // -- shapes ----------------------------------------------------------------------------

  /// True if `v` is an object; otherwise records "must be an object".
  bool object(const config_json& v, const std::string& path);

  /// True if `v` is an array (non-empty if `non_empty`); otherwise records why not.
  bool array(const config_json& v, const std::string& path, bool non_empty);

  /// Records `unknown key "k"` at `path` for each key of `obj` that is not in `known`, and
  /// for each key in `secrets` (an inline secret, e.g. "api_key") that it is not allowed and
  /// which `<key>_env` key names an environment variable instead.
  void known_keys(const config_json& obj, const std::string& path,
                  const std::vector<std::string_view>& known,
                  const std::vector<std::string_view>& secrets = {});

  /// Records that `key` (a secret, e.g. "api_key") may not be given inline and which
  /// "<key>_env" key names an environment variable instead.
  void inline_secret(const std::string& path, std::string_view key);

  /// True if `obj` has `key`; otherwise records `missing required key "key"`.
  bool required(const config_json& obj, const std::string& path, std::string_view key);

  // -- typed members of an object --------------------------------------------------------

  /// A string member; `non_empty` refuses "".
  std::optional<std::string> string(const config_json& obj, const std::string& path,
                                    std::string_view key, bool non_empty = false);

  /// An integer member within [lo, hi].
  std::optional<int64_t> integer(const config_json& obj, const std::string& path,
                                 std::string_view key, int64_t lo, int64_t hi);

  /// A number member (integer or not) within [lo, hi].
  std::optional<double> number(const config_json& obj, const std::string& path,
                               std::string_view key, double lo, double hi);

  /// An array member of non-empty strings (non-empty itself if `non_empty`).
  std::optional<std::vector<std::string>> strings(const config_json& obj,
                                                  const std::string& path,
                                                  std::string_view key, bool non_empty);

  /// A string member naming an environment variable (the way secrets are given).
  std::optional<std::string> env_name(const config_json& obj, const std::string& path,
                                      std::string_view key);

  /// An array member of environment variable names (an allow-list passed to a child).
  std::optional<std::vector<std::string>> env_names(const config_json& obj,
                                                    const std::string& path,
                                                    std::string_view key);

  /// A string member that is one of `choices`.
  std::optional<std::string> choice(const config_json& obj, const std::string& path,
                                    std::string_view key,
                                    const std::vector<std::string_view>& choices);

private:
  std::vector<config_error> errors_;
};

/// Sets `obj[key]` to `value` unless the file gave it: the documented default, filled in so
/// a component's consumers need not know it.
template <class T>
void fill_default(config_json& obj, const char* key, T value) {
  if (!obj.contains(key))
    obj[key] = std::move(value);
}

} // namespace runcast
