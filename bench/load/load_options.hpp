#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

/// What sse_load does (sse_load --help prints each option).
struct load_options {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  /// Request target; "{i}" is replaced by the connection's number modulo `channels`.
  std::string path = "/";
  std::string method = "GET";
  std::string body;                  ///< form body of a POST
  std::vector<std::string> headers;  ///< extra request headers, "Name: value"
  int connections = 1;
  int64_t events = 0;    ///< payload events after which a connection is done; 0: stream end
  double timeout_s = 60;
  /// Bytes read from one stream per turn of the event loop; 0: 16 KiB (what curl reads at
  /// a time) with several streams, 256 KiB with one. One client process reads every stream:
  /// draining a stream's whole backlog before the next (a fan-out's streams each get ~290 KB
  /// at once) made the last streams' first events wait for the client, not the server, and
  /// held fan-out's deliveries at ~650k/s (1.1-1.3M/s with 16 KiB turns). epoll is
  /// level-triggered: what is left is read on a later turn.
  size_t read_bytes = 0;
  /// Streams waiting for their first payload event are read first, every few reads, and in
  /// 2 KiB bites (see load_run::waiting_); off (the default): every stream in the same round
  /// robin. bench/run-all's fan-out turns it on: there, one client process reading 1,000
  /// streams' backlogs delays their first events more than the server does.
  bool first_priority = false;
  /// Publishing (a pub/sub server such as nchan): once every subscriber has its response
  /// head, POST `messages` payloads of `bytes` bytes to `publish_path` ("{i}": the channel),
  /// spread over `channels` channels, `rate` per second in all (0: as fast as it takes them).
  std::string publish_path;
  int64_t messages = 0;
  size_t bytes = 200;
  int channels = 1;
  int64_t rate = 0;
  int pipeline = 1;      ///< publish requests in flight on one connection
  int publishers = 1;    ///< publishing connections, each its own thread
  /// The loopback ceiling: serve `raw_frames` pre-built frames of `bytes` bytes on a private
  /// port to one connection, as fast as the kernel takes them, and read them.
  int64_t raw_frames = 0;
  /// Written ("ready") once every stream has its response head: lets a script measure the
  /// server with every stream open.
  std::string ready_file;

  /// Parses argv; throws std::invalid_argument with a message for the user.
  static load_options parse(int argc, char** argv);
  static const char* usage();
};

} // namespace bench
