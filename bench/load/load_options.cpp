#include "bench/load/load_options.hpp"

#include <stdexcept>

namespace bench {

namespace {

int64_t number(const std::string& flag, const std::string& v, int64_t lo, int64_t hi) {
  size_t used = 0;
  int64_t n = 0;
  try {
    n = std::stoll(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size() || n < lo || n > hi)
    throw std::invalid_argument(flag + " expects an integer in [" + std::to_string(lo) + ", "
                                + std::to_string(hi) + "], got '" + v + "'");
  return n;
}

} // namespace

const char* load_options::usage() {
  return R"(sse_load: an SSE load client (bench/README.md)
  --host ADDR          server address (127.0.0.1)
  --port N             server port (required unless --raw-frames)
  --path TARGET        request target; {i} becomes the connection's channel number
  --method GET|POST    (GET)
  --body FORM          a POST's form body
  --header 'N: V'      an extra request header (repeatable), e.g. Last-Event-ID
  --connections N      concurrent streams, all opened at once (1; 0: only publish)
  --events N           a stream is done after N payload events (0: when it ends)
  --timeout S          give up after S seconds (60)
  --read-bytes N       read at most N bytes from one stream per turn, so that every
                       stream is read in turn (16384 with several streams, 262144 with one)
  --first-priority on|off  read the streams still waiting for their first event before
                       the others, every 8 reads, 2 KiB at a time (off): a first event's
                       latency is then the server's, not this client's queue of backlogs
  --publish PATH       publish to a pub/sub server once every stream has its head
  --messages N         how many to publish, in all
  --bytes N            payload size (200)
  --channels N         spread connections and messages over N channels (1)
  --rate N             messages per second in all (0: as fast as they are taken)
  --pipeline N         publish requests in flight per connection (1: nchan drops
                       messages for a subscriber that falls behind a pipelined publisher)
  --publishers N       publishing connections (1)
  --raw-frames N       the loopback ceiling: read N pre-built frames from a private server
  --ready-file PATH    write PATH once every stream has its response head
A payload event is a frame whose data holds "ts=<ns since the epoch>;". Prints one JSON
summary line on stdout.
)";
}

load_options load_options::parse(int argc, char** argv) {
  load_options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h")
      throw std::invalid_argument("");
    if (i + 1 >= argc)
      throw std::invalid_argument(flag + " needs a value");
    std::string v = argv[++i];
    if (flag == "--host")
      o.host = v;
    else if (flag == "--port")
      o.port = static_cast<uint16_t>(number(flag, v, 1, 65535));
    else if (flag == "--path")
      o.path = v;
    else if (flag == "--method") {
      if (v != "GET" && v != "POST")
        throw std::invalid_argument("--method expects GET or POST");
      o.method = v;
    } else if (flag == "--body")
      o.body = v;
    else if (flag == "--header")
      o.headers.push_back(v);
    else if (flag == "--connections")
      o.connections = static_cast<int>(number(flag, v, 0, 200'000));
    else if (flag == "--events")
      o.events = number(flag, v, 0, INT64_MAX);
    else if (flag == "--timeout")
      o.timeout_s = static_cast<double>(number(flag, v, 1, 86'400));
    else if (flag == "--read-bytes")
      o.read_bytes = static_cast<size_t>(number(flag, v, 1024, 256 * 1024));
    else if (flag == "--first-priority") {
      if (v != "on" && v != "off")
        throw std::invalid_argument("--first-priority expects on or off");
      o.first_priority = v == "on";
    } else if (flag == "--publish")
      o.publish_path = v;
    else if (flag == "--messages")
      o.messages = number(flag, v, 0, INT64_MAX);
    else if (flag == "--bytes")
      o.bytes = static_cast<size_t>(number(flag, v, 32, 1 << 20));
    else if (flag == "--channels")
      o.channels = static_cast<int>(number(flag, v, 1, 1'000'000));
    else if (flag == "--rate")
      o.rate = number(flag, v, 0, INT64_MAX);
    else if (flag == "--pipeline")
      o.pipeline = static_cast<int>(number(flag, v, 1, 100'000));
    else if (flag == "--publishers")
      o.publishers = static_cast<int>(number(flag, v, 1, 1'000));
    else if (flag == "--ready-file")
      o.ready_file = v;
    else if (flag == "--raw-frames")
      o.raw_frames = number(flag, v, 1, INT64_MAX);
    else
      throw std::invalid_argument("unknown option " + flag);
  }
  if (o.port == 0 && o.raw_frames == 0)
    throw std::invalid_argument("--port is required");
  return o;
}

} // namespace bench
