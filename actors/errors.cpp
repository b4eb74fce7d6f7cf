#include "actors/errors.hpp"

#include "actors/type_ids.hpp"

#include <caf/message.hpp>

namespace runcast::actors {

caf::error make_failure(errc code, std::string detail) {
  return caf::make_error(code, std::move(detail));
}

failure to_failure(const caf::error& err, const std::string& fallback) {
  if (err.category() == caf::atom("runcast")) {
    failure f{static_cast<errc>(err.code()), fallback};
    const auto& ctx = err.context();
    if (ctx.match_elements<std::string>())
      f.detail = ctx.get_as<std::string>(0);
    return f;
  }
  return {errc::unavailable, fallback};
}

} // namespace runcast::actors
