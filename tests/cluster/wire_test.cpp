// Every message that crosses nodes survives CAF's binary serializer unchanged. What is
// round-tripped is derived from the typed interfaces that cross nodes — the gateway's
// requests and replies, and the wire sink and credit interfaces of remote subscriptions —
// so a protocol change without a change here does not compile: a new argument type needs a
// `sample` below, and the interfaces are pinned by static_asserts.

#include "actors/subscriber_actor.hpp"
#include "cluster/gateway_actor.hpp"

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <catch2/catch.hpp>

#include <type_traits>

using namespace runcast::actors;
using runcast::cluster::gateway_actor;

namespace {

// -- a sample value of every type a cross-node message may carry ------------------------------
// Only CAF's built-in types are allowed across nodes. A type without a sample here is a type
// this test has not proven to travel: the build fails in `sample<T>()`.

template <class T>
T sample();

template <>
std::string sample<std::string>() {
  return "id: 7\nevent: RunContent\ndata: {\"content\":\"h\u00e9\"}\n\n";
}
template <>
int64_t sample<int64_t>() {
  return -41;
}
template <>
uint64_t sample<uint64_t>() {
  return 512;
}
template <>
int32_t sample<int32_t>() {
  return 2;
}
template <>
bool sample<bool>() {
  return true;
}
template <>
std::vector<std::string> sample<std::vector<std::string>>() {
  return {"id: 1\nevent: RunContent\ndata: {}\n\n", ""};
}
template <>
caf::actor sample<caf::actor>() {
  return {}; // a handle's identity is the middleman's business; its encoding is tested here
}

/// Atoms are their own sample.
template <class T>
auto sample_of() {
  if constexpr (caf::is_atom_constant<T>::value)
    return T{};
  else
    return sample<T>();
}

template <class List>
struct make_sample_message;

template <class... Ts>
struct make_sample_message<caf::detail::type_list<Ts...>> {
  static caf::message make() {
    return caf::make_message(sample_of<Ts>()...);
  }
};

/// The request and the reply of one signature of a typed interface.
template <class Signature>
struct messages_of;

template <class... In, class... Out>
struct messages_of<caf::typed_mpi<caf::detail::type_list<In...>, caf::output_tuple<Out...>>> {
  static void add(std::vector<caf::message>& out) {
    out.push_back(make_sample_message<caf::detail::type_list<In...>>::make());
    if constexpr (sizeof...(Out) > 0 && !(std::is_void<Out>::value && ...))
      out.push_back(make_sample_message<caf::detail::type_list<Out...>>::make());
  }
};

template <class... Sigs>
void add_all(caf::detail::type_list<Sigs...>, std::vector<caf::message>& out) {
  (messages_of<Sigs>::add(out), ...);
}

/// Every request and reply of a typed interface.
template <class Handle>
std::vector<caf::message> all_messages() {
  std::vector<caf::message> out;
  add_all(typename Handle::signatures{}, out);
  return out;
}

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

// The interfaces that cross nodes, pinned: change them and this test must change too.
static_assert(
  std::is_same<gateway_actor,
               caf::typed_actor<caf::replies_to<hello_atom, std::string, std::string>::with<
                                  hello_atom, std::string>,
                                caf::replies_to<subscribe_atom, std::string, int64_t, bool,
                                                caf::actor>::with<caf::actor>,
                                caf::replies_to<cancel_atom, std::string>::with<int32_t>>>::value,
  "the gateway's cross-node protocol changed: update wire_test");
static_assert(std::is_same<wire_sink_actor,
                           caf::typed_actor<caf::reacts_to<frames_atom, std::vector<std::string>>,
                                            caf::reacts_to<end_atom, std::string, bool>,
                                            caf::reacts_to<missing_atom>>>::value,
              "the remote subscription's sink protocol changed: update wire_test");
static_assert(
  std::is_same<wire_credit_actor, caf::typed_actor<caf::reacts_to<credit_atom, uint64_t>>>::value,
  "the remote subscription's credit protocol changed: update wire_test");

TEST_CASE("every cross-node message of the typed interfaces round-trips through CAF's serializer") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::vector<caf::message> messages;
  for (auto& m : all_messages<gateway_actor>())
    messages.push_back(m);
  for (auto& m : all_messages<wire_sink_actor>())
    messages.push_back(m);
  for (auto& m : all_messages<wire_credit_actor>())
    messages.push_back(m);
  // gateway: 3 requests + 3 replies; sink: 3 messages; credit: 1.
  REQUIRE(messages.size() == 10);
  for (const auto& msg : messages) {
    INFO(caf::to_string(msg));
    auto copy = round_trip(sys, msg);
    CHECK(caf::to_string(copy) == caf::to_string(msg));
    CHECK(copy.type_token() == msg.type_token());
  }
}
