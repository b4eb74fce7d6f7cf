// A start sent as a start_request (how runtime::engine starts runs) on CAF's deterministic
// scheduler: answered once the store has the run, answered with why when refused, and
// answered by itself when the manager never reads it.

#include "actors/start_request.hpp"

#include "tests/actors/manager_fixture.hpp"

using namespace runcast;
using namespace runcast::actors;
using namespace std::chrono_literals;
using runcast::test::idle_runnable;
using runcast::test::manager_fixture;

namespace {

/// What a request was answered with: nothing yet, or the error (none when the run started).
struct answers {
  int count = 0;
  caf::error last;

  start_request_ptr request(run_spec spec) {
    return std::make_shared<start_request>(std::move(spec), [this](const caf::error& err) {
      ++count;
      last = err;
    });
  }
};

} // namespace

TEST_CASE("start_request: a started run is answered once, after the store has it") {
  manager_fixture fx;
  answers got;
  fx.self->send(fx.manager, start_atom::value,
                got.request(fx.spec("r1", std::make_shared<idle_runnable>())));
  fx.run();
  CHECK(got.count == 1);
  CHECK_FALSE(got.last);
  CHECK(fx.stored("r1").first.status == run_status::running);
  CHECK(fx.logs_held() == 1);
}

TEST_CASE("start_request: a refused start is answered with why, and starts nothing") {
  manager_fixture fx;
  auto drained = fx.self->request(fx.manager, 5s, drain_atom::value);
  fx.run();
  drained.receive([](bool ok) { CHECK(ok); }, [](caf::error& err) { FAIL(to_string(err)); });
  answers got;
  fx.self->send(fx.manager, start_atom::value,
                got.request(fx.spec("r1", std::make_shared<idle_runnable>())));
  fx.run();
  REQUIRE(got.count == 1);
  REQUIRE(got.last);
  CHECK(static_cast<errc>(got.last.code()) == errc::draining);
  CHECK_FALSE(fx.db->find_run("r1"));
  CHECK(fx.logs_held() == 0);
}

TEST_CASE("start_request: a start the manager never reads answers request_receiver_down") {
  manager_fixture fx;
  fx.self->send_exit(fx.manager, caf::exit_reason::user_shutdown);
  fx.run();
  answers got;
  fx.self->send(fx.manager, start_atom::value,
                got.request(fx.spec("r1", std::make_shared<idle_runnable>())));
  fx.run();
  CHECK(got.count == 1);
  CHECK(got.last == caf::sec::request_receiver_down);
  CHECK_FALSE(fx.db->find_run("r1"));
}

TEST_CASE("start_request: only the first answer counts") {
  answers got;
  {
    auto req = got.request({});
    req->deliver(caf::error{});
    req->deliver(caf::make_error(caf::sec::request_timeout));
  }
  CHECK(got.count == 1);
  CHECK_FALSE(got.last);
}
