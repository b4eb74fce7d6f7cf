// Every message that crosses nodes survives CAF's serializer unchanged. They use only CAF's
// built-in types (atoms, strings, integers, actor handles), which every node knows alike.

#include "actors/atoms.hpp"

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <catch2/catch.hpp>

using namespace runcast::actors;

namespace {

caf::message round_trip(caf::actor_system& sys, const caf::message& msg) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto err = sink(const_cast<caf::message&>(msg));
  REQUIRE_FALSE(err);
  caf::binary_deserializer source{sys, buf};
  caf::message copy;
  err = source(copy);
  REQUIRE_FALSE(err);
  return copy;
}

} // namespace

TEST_CASE("cross-node messages round-trip through CAF's binary serializer") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::vector<caf::message> messages{
    caf::make_message(hello_atom::value, std::string{"n1"}, std::string{"secret"}),
    caf::make_message(hello_atom::value, std::string{"n2"}),
    caf::make_message(subscribe_atom::value, std::string{"run-1"}, int64_t{41}, true),
    caf::make_message(frames_atom::value,
                      std::vector<std::string>{"id: 1\nevent: RunContent\ndata: {}\n\n", ""}),
    caf::make_message(end_atom::value, std::string{"event: error\ndata: {}\n\n"}, false),
    caf::make_message(credit_atom::value, uint64_t{512}),
    caf::make_message(cancel_atom::value, std::string{"run-1"}),
    caf::make_message(int32_t{2}),
    caf::make_message(missing_atom::value),
    caf::make_message(lookup_atom::value, std::string{"n3"}),
    caf::make_message(std::vector<std::string>{"n1", "n2"}),
  };
  for (const auto& msg : messages) {
    auto copy = round_trip(sys, msg);
    CHECK(caf::to_string(copy) == caf::to_string(msg));
    CHECK(copy.type_token() == msg.type_token());
  }
}
