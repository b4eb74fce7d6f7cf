// A local client's subscription, served by the event log itself (actors/direct_request.hpp):
// frames, credits, close, and what the client hears when the log is gone or goes.

#include "tests/actors/log_fixture.hpp"

#include <condition_variable>
#include <mutex>
#include <set>

using namespace runcast;
using namespace runcast::actors;
using namespace runcast::actors::log_testing;
using namespace std::chrono_literals;

namespace {

/// A frame_sink that records what it is told, for the test thread to read.
class recording_sink : public frame_sink {
public:
  void on_not_found(const std::string& lost_owner) override {
    std::lock_guard<std::mutex> lock{mutex_};
    not_found_ = true;
    lost_owner_ = lost_owner;
  }
  void on_frames(std::vector<frame_ptr> frames) override {
    std::lock_guard<std::mutex> lock{mutex_};
    for (auto& f : frames)
      frames_.push_back(f->str());
  }
  void on_end(frame_ptr last, bool abort) override {
    std::lock_guard<std::mutex> lock{mutex_};
    if (last)
      frames_.push_back(last->str());
    ends_ += 1;
    aborted_ = abort;
  }

  std::vector<std::string> frames() const {
    std::lock_guard<std::mutex> lock{mutex_};
    return frames_;
  }
  size_t count() const {
    return frames().size();
  }
  int ends() const {
    std::lock_guard<std::mutex> lock{mutex_};
    return ends_;
  }
  bool not_found() const {
    std::lock_guard<std::mutex> lock{mutex_};
    return not_found_;
  }
  bool aborted() const {
    std::lock_guard<std::mutex> lock{mutex_};
    return aborted_;
  }

private:
  mutable std::mutex mutex_;
  std::vector<std::string> frames_;
  int ends_ = 0;
  bool not_found_ = false;
  bool aborted_ = false;
  std::string lost_owner_;
};

/// A client's request: the sink, and the flag its handle sets when the client leaves.
struct client {
  std::shared_ptr<recording_sink> sink = std::make_shared<recording_sink>();
  std::shared_ptr<std::atomic<bool>> closed = std::make_shared<std::atomic<bool>>(false);

  direct_request_ptr request(uint64_t id, int64_t from, bool meta) {
    return std::make_shared<direct_request>(id, sink, from, meta, closed);
  }
};

} // namespace

TEST_CASE("a listed log leaves the directory as it terminates, and one listed after it "
          "ended is not kept") {
  log_fixture fx;
  CHECK(fx.directory->find("r1") == fx.log);
  CHECK_FALSE(fx.directory->find("r2"));
  fx.directory->forget_session("s2"); // another session's: r1 stays
  CHECK(fx.directory->find("r1") == fx.log);
  fx.directory->forget_session("s1"); // its session was deleted
  CHECK_FALSE(fx.directory->find("r1"));
  list_until_exit(fx.directory, fx.identity(), fx.log);
  fx.self->monitor(fx.log);
  fx.self->send_exit(fx.log, caf::exit_reason::user_shutdown);
  fx.self->receive([](caf::down_msg&) {}, caf::after(5s) >> [] { FAIL("the log did not stop"); });
  CHECK(test::eventually([&] { return fx.directory->size() == 0; }, 5s));
  list_until_exit(fx.directory, fx.identity(), fx.log); // stopped before it was listed
  CHECK(fx.directory->size() == 0);
}

TEST_CASE("a local client's sink gets the stored events from the log itself, then the end") {
  log_fixture fx;
  fx.publish(5);
  fx.finish();
  REQUIRE(test::eventually([&] { return fx.stats().finished_persisted; }, 5s));
  client c;
  caf::anon_send(fx.log, subscribe_atom::value, c.request(7, 2, true));
  REQUIRE(test::eventually([&] { return c.sink->ends() == 1; }, 5s));
  auto got = c.sink->frames();
  REQUIRE(got.size() == 4); // the replay meta frame, then events 2..4
  CHECK(frame_event(got[0]) == "replay");
  CHECK(got[0].find("\"missed_events\":3") != std::string::npos);
  CHECK(frame_id(got[1]) == 2);
  CHECK(frame_id(got[3]) == 4);
  CHECK_FALSE(c.sink->aborted());
  CHECK_FALSE(c.sink->not_found());
  CHECK(fx.stats().subscribers == 0);
  // The directory knows the run is over, and where it ends, without the store.
  auto listed = fx.directory->lookup("r1");
  REQUIRE(listed);
  CHECK(listed->identity.status == run_status::completed);
  CHECK(listed->stored == 5);
  CHECK(listed->identity.session_id == "s1");
}

TEST_CASE("a finished log shares its stored frames through the directory until it expires") {
  limits l;
  l.finished_logs = 1; // the node keeps one finished log: the next one evicts this one
  log_fixture fx{l};
  fx.publish(3);
  fx.await_persisted(3);
  REQUIRE(fx.directory->lookup("r1"));
  CHECK_FALSE(fx.directory->lookup("r1")->frames); // live: only the log reads its frames
  fx.finish();
  REQUIRE(test::eventually([&] { return fx.stats().finished_persisted; }, 5s));
  auto listed = fx.directory->lookup("r1");
  REQUIRE(listed);
  REQUIRE(listed->frames);
  CHECK(listed->retained);
  CHECK(listed->frames->first == 0);
  REQUIRE(listed->frames->end() == 3);
  CHECK(frame_id(listed->frames->frames[2]->str()) == 2);
  // Evicted, the log lets go of them: the store serves the run from then on.
  fx.budget->retain(0, [] {}, log_budget::clock_type::now());
  CHECK(test::eventually([&] {
    auto l = fx.directory->lookup("r1");
    return !l || !l->frames;
  }, 5s));
  CHECK(listed->frames.use_count() == 1); // only this copy holds them
}

TEST_CASE("a local client gets a window of frames, and more as its credits come back") {
  limits l;
  l.subscriber_window = 4;
  log_fixture fx{l};
  fx.publish(10);
  fx.await_persisted(10);
  client c;
  caf::anon_send(fx.log, subscribe_atom::value, c.request(1, 0, false));
  REQUIRE(test::eventually([&] { return c.sink->count() == 4; }, 5s));
  CHECK(fx.stats().subscribers == 1);
  CHECK(c.sink->count() == 4); // the window holds until credited
  caf::anon_send(fx.log, credit_atom::value, uint64_t{1}, uint64_t{4});
  REQUIRE(test::eventually([&] { return c.sink->count() == 8; }, 5s));
  caf::anon_send(fx.log, credit_atom::value, uint64_t{99}, uint64_t{4}); // no such client
  caf::anon_send(fx.log, credit_atom::value, uint64_t{1}, uint64_t{4});
  REQUIRE(test::eventually([&] { return c.sink->count() == 10; }, 5s));
  auto got = c.sink->frames();
  for (int64_t i = 0; i < 10; ++i)
    CHECK(frame_id(got[static_cast<size_t>(i)]) == i);
  CHECK(c.sink->ends() == 0); // live: the run goes on
}

TEST_CASE("close removes a local client, and a request closed before the log read it is "
          "dropped without an answer") {
  log_fixture fx;
  fx.publish(3);
  fx.await_persisted(3);
  client open;
  caf::anon_send(fx.log, subscribe_atom::value, open.request(1, 0, false));
  REQUIRE(test::eventually([&] { return open.sink->count() == 3; }, 5s));
  REQUIRE(fx.stats().subscribers == 1);
  caf::anon_send(fx.log, close_atom::value, uint64_t{1});
  CHECK(test::eventually([&] { return fx.stats().subscribers == 0; }, 5s));

  client gone;
  gone.closed->store(true);
  caf::anon_send(fx.log, subscribe_atom::value, gone.request(2, 0, false));
  fx.publish(1); // read after the request: the log has handled it by then
  fx.await_persisted(4);
  CHECK(fx.stats().subscribers == 0);
  CHECK(gone.sink->count() == 0);
  CHECK_FALSE(gone.sink->not_found());
  CHECK(open.sink->count() == 3); // nothing after its close
}

TEST_CASE("a request to a log that has quit tells the sink the run is in the store") {
  log_fixture fx;
  fx.self->monitor(fx.log);
  fx.self->send_exit(fx.log, caf::exit_reason::user_shutdown);
  bool down = false;
  fx.self->receive([&](caf::down_msg&) { down = true; },
                   caf::after(5s) >> [] { FAIL("the log did not stop"); });
  REQUIRE(down);
  client c;
  caf::anon_send(fx.log, subscribe_atom::value, c.request(1, 0, false));
  CHECK(test::eventually([&] { return c.sink->not_found(); }, 5s));
  CHECK(c.sink->count() == 0);
}

TEST_CASE("a log that stops with local clients reading ends each with an error frame") {
  log_fixture fx;
  fx.publish(2);
  fx.await_persisted(2);
  client a, b;
  caf::anon_send(fx.log, subscribe_atom::value, a.request(1, 0, false));
  caf::anon_send(fx.log, subscribe_atom::value, b.request(2, 1, false));
  REQUIRE(test::eventually([&] { return a.sink->count() == 2 && b.sink->count() == 1; }, 5s));
  fx.self->send_exit(fx.log, caf::exit_reason::user_shutdown);
  REQUIRE(test::eventually([&] { return a.sink->ends() == 1 && b.sink->ends() == 1; }, 5s));
  for (auto* c : {&a, &b}) {
    auto got = c->sink->frames();
    CHECK(frame_event(got.back()) == "error");
    CHECK(got.back().find("event log stopped") != std::string::npos);
    CHECK_FALSE(c->sink->aborted());
    CHECK_FALSE(c->sink->not_found());
  }
}

namespace {

/// Every sink's deliveries in the order the log made them: (client, frames in the call).
struct delivery_log {
  std::mutex mutex;
  std::vector<std::pair<int, size_t>> calls;
};

/// A frame_sink that notes each delivery in a log it shares with other clients' sinks.
class noting_sink : public recording_sink {
public:
  noting_sink(int id, std::shared_ptr<delivery_log> log) : id_(id), log_(std::move(log)) {
  }
  void on_frames(std::vector<frame_ptr> frames) override {
    {
      std::lock_guard<std::mutex> lock{log_->mutex};
      log_->calls.emplace_back(id_, frames.size());
    }
    recording_sink::on_frames(std::move(frames));
  }

private:
  int id_;
  std::shared_ptr<delivery_log> log_;
};

} // namespace

TEST_CASE("local clients at the head each get the start of a stored batch before any gets "
          "the rest of it") {
  log_fixture fx;
  auto deliveries = std::make_shared<delivery_log>();
  std::vector<client> clients(3);
  for (int i = 0; i < 3; ++i) {
    auto& c = clients[static_cast<size_t>(i)];
    c.sink = std::make_shared<noting_sink>(i, deliveries);
    caf::anon_send(fx.log, subscribe_atom::value, c.request(static_cast<uint64_t>(i), 0, false));
  }
  REQUIRE(test::eventually([&] { return fx.stats().subscribers == 3; }, 5s));
  fx.publish(100); // one batch: stored by one write, streamed by one pass over the clients
  for (auto& c : clients) {
    REQUIRE(test::eventually([&] { return c.sink->count() == 100; }, 5s));
    auto got = c.sink->frames();
    for (int64_t i = 0; i < 100; ++i)
      CHECK(frame_id(got[static_cast<size_t>(i)]) == i);
  }
  std::lock_guard<std::mutex> lock{deliveries->mutex};
  REQUIRE(deliveries->calls.size() >= 6);
  std::set<int> first_round;
  for (size_t i = 0; i < 3; ++i) {
    first_round.insert(deliveries->calls[i].first);
    CHECK(deliveries->calls[i].second <= 16); // the head: each client's first event
  }
  CHECK(first_round.size() == 3); // one call per client before anyone's second
}
