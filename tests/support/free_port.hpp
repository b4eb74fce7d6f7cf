#pragma once

#include <cstdint>

namespace runcast::test {

/// A free TCP port on 127.0.0.1 for a server that is told its port (a cluster node's
/// `--cluster-port`), picked below the kernel's ephemeral range, checked by binding it, and
/// never the same twice in one process (a node not started yet holds no port).
/// A port taken from that range (bind to 0, release) is soon handed to another process's
/// outgoing connection or port-0 server, and the node that was to bind it could not start.
uint16_t free_port();

} // namespace runcast::test
