#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "app/executor.hpp"
#include "fakes.hpp"
#include "plan/plan.hpp"
#include "util/files.hpp"
#include "util/log_relay.hpp"
#include "util/process_table.hpp"

using namespace kaniko;
using kaniko::testing::FakeAgent;
using kaniko::testing::RecordingRunner;
using kaniko::testing::ScriptedHttp;

namespace {

struct Fixture {
    RecordingRunner runner;
    FakeAgent agent;
    ScriptedHttp http;
    std::ostringstream log;
    Environment env{std::map<std::string, std::string, std::less<>>{}};
    std::string relayed;
    LogRelay relay{[this](std::string_view text) { relayed += text; }};
    StreamHandlers seen;

    BuildEnvironment edges(std::string temp_root = "/tmp") {
        return {env, runner, agent, http, log, "/builds/app", std::move(temp_root), ""};
    }
};

BuildPlan plan_for(ExecutorKind kind) {
    BuildPlan plan;
    plan.executor = kind;
    plan.checkout_dir = "/builds/app";
    plan.container_name = "kaniko-job-1";
    plan.executor_path = "/bin/true";
    return plan;
}

// Remembers the handlers the executor streamed with, and calls on_signal as a cancel would.
class CancellingRunner final : public ProcessRunner {
public:
    std::vector<Argv> captured;
    std::optional<std::chrono::seconds> stop_grace;
    Expected<Captured> capture(const Argv& argv, std::string_view, Stderr, OnCancel) override {
        captured.push_back(argv);
        return Captured{};
    }
    Expected<Streamed> stream(const Argv&, const StreamHandlers& handlers) override {
        stop_grace = handlers.stop_grace;
        handlers.on_signal(15);
        return Streamed{143, 15};
    }
};

}  // namespace

TEST_CASE("executor: docker asks the engine before anything else, and names it when it is down", "[executor]") {
    Fixture f;
    f.runner.answer = [](const RecordingRunner::Call& call) {
        return Captured{call.argv[1] == "version" ? 1 : 0, ""};
    };
    const auto plan = plan_for(ExecutorKind::docker);
    const auto edges = f.edges();
    const auto executor = make_executor(plan, edges);
    const auto checked = executor->check();
    REQUIRE_FALSE(checked);
    CHECK(checked.error().message.starts_with("the Docker engine is unreachable (docker version exited with code 1)"));
    CHECK(f.runner.calls.front().argv == Argv{"docker", "version", "--format", "{{.Server.Version}}"});
}

TEST_CASE("executor: docker refuses a mount source holding a colon", "[executor]") {
    Fixture f;
    const auto plan = plan_for(ExecutorKind::docker);
    const auto edges = f.edges("/tmp/a:b");
    const auto checked = make_executor(plan, edges)->check();
    REQUIRE_FALSE(checked);
    CHECK(checked.error().message ==
          "TMPDIR: \"/tmp/a:b\" holds ':', which docker run -v cannot mount; set TMPDIR to a directory without ':'");
    CHECK(f.runner.calls.empty());
}

TEST_CASE("executor: docker removes the container on a cancel, and once more after", "[executor]") {
    Fixture f;
    CancellingRunner runner;
    const auto plan = plan_for(ExecutorKind::docker);
    const BuildEnvironment edges{f.env, runner, f.agent, f.http, f.log, "/builds/app", "/tmp", ""};
    std::size_t removals_at_cancel = 99;
    const auto run = make_executor(plan, edges)->run(
        {"docker", "run"}, f.relay, [] {}, [&] { removals_at_cancel = runner.captured.size(); }, "/tmp/private");
    REQUIRE(run);
    CHECK(run->signal == 15);
    CHECK_FALSE(runner.stop_grace);
    // The credentials go before the container is touched.
    CHECK(removals_at_cancel == 0);
    const Argv rm{"docker", "rm", "--force", "kaniko-job-1"};
    CHECK(runner.captured == std::vector<Argv>{rm, rm});
}

TEST_CASE("executor: local needs its binary, and never asks for Docker", "[executor]") {
    Fixture f;
    auto plan = plan_for(ExecutorKind::local);
    plan.executor_path = "/kaniko/no-such-executor";
    const auto edges = f.edges();
    const auto checked = make_executor(plan, edges)->check();
    REQUIRE_FALSE(checked);
    CHECK(checked.error().message ==
          "executor-path: \"/kaniko/no-such-executor\" is not an executable file here; run the step in the Kaniko "
          "image (its -debug variant, for the hooks' shell), or use executor: docker");
    CHECK(f.runner.calls.empty());
    plan.executor_path = "/bin/true";
    CHECK(make_executor(plan, edges)->check());
}

TEST_CASE("executor: local withdraws the credentials, then stops the build, with a grace before SIGKILL", "[executor]") {
    Fixture f;
    CancellingRunner runner;
    const auto plan = plan_for(ExecutorKind::local);
    const BuildEnvironment edges{f.env, runner, f.agent, f.http, f.log, "/builds/app", "/tmp", ""};
    std::string log_at_cancel = "not called";
    const auto run = make_executor(plan, edges)->run(
        {"/kaniko/executor"}, f.relay, [] {}, [&] { log_at_cancel = f.log.str(); }, "/tmp/private");
    REQUIRE(run);
    CHECK(run->signal == 15);
    CHECK(log_at_cancel.empty());
    CHECK(runner.stop_grace == std::chrono::seconds(10));
    CHECK(runner.captured.empty());  // no docker rm
    CHECK(f.log.str() == "kaniko: received signal 15; stopping the executor (killed in 10s)\n");
}

TEST_CASE("executor: the local grace is a second less than the agent's", "[executor]") {
    using Vars = std::map<std::string, std::string, std::less<>>;
    const auto grace = [](Vars vars) { return local_stop_grace(Environment(std::move(vars))).count(); };
    CHECK(grace({}) == 10);
    CHECK(grace({{"BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS", "9"}}) == 8);
    CHECK(grace({{"BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS", "1"}}) == 1);
    CHECK(grace({{"BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS", "0"}}) == 1);
    CHECK(grace({{"BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS", "soon"}}) == 10);
}

namespace {

// A session leader, as the local executor is, with a member in a process group of its own, as a
// Kaniko RUN is; both wait to be killed. Returns the leader; `member` gets the other.
pid_t waiting_session(pid_t& member) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t leader = ::fork();
    if (leader == 0) {
        ::setsid();
        const pid_t run = ::fork();
        if (run == 0) {
            ::setpgid(0, 0);
            for (;;) ::pause();
        }
        [[maybe_unused]] const auto written = ::write(ready[1], &run, sizeof run);
        for (;;) ::pause();
    }
    ::close(ready[1]);
    REQUIRE(::read(ready[0], &member, sizeof member) == static_cast<ssize_t>(sizeof member));
    ::close(ready[0]);
    return leader;
}

bool alive(pid_t pid) {
    const auto entry = read_process(pid);
    return entry && !entry->zombie;
}

// Waits (bounded) for a process to be gone; pid may not be our child, so /proc is asked.
bool gone_soon(pid_t pid) {
    for (int i = 0; i < 200 && alive(pid); ++i) ::usleep(10'000);
    return !alive(pid);
}

std::string session_record_of(pid_t leader) {
    return fmt::format("{} {}", leader, read_process(leader)->start_time);
}

}  // namespace

TEST_CASE("executor: pre-exit kills every process of the session a killed local build left running", "[executor]") {
    auto dir = TempDir::create("/tmp", fmt::format("kaniko-executor-test-{}-", ::getpid()));
    REQUIRE(dir);
    std::ostringstream log;

    pid_t run = 0;
    const pid_t leader = waiting_session(run);
    REQUIRE(write_private_file(dir->path() + "/executor-session", session_record_of(leader)));
    stop_leftover_executor(dir->path(), log);
    int status = 0;
    REQUIRE(::waitpid(leader, &status, 0) == leader);
    CHECK(WTERMSIG(status) == SIGKILL);
    // The RUN was in another process group: a signal to the executor's group would have missed it.
    CHECK(gone_soon(run));
    CHECK(log.str() ==
          fmt::format("kaniko: stopped 2 processes of the build that a killed helper left running (session {})\n", leader));
}

TEST_CASE("executor: pre-exit leaves alone a session whose leader is another process now", "[executor]") {
    auto dir = TempDir::create("/tmp", fmt::format("kaniko-executor-test-{}-", ::getpid()));
    REQUIRE(dir);
    std::ostringstream log;
    pid_t run = 0;
    const pid_t leader = waiting_session(run);
    // The same PID, recorded with another start time: a process that the number was given to later.
    const auto started = read_process(leader)->start_time;
    REQUIRE(write_private_file(dir->path() + "/executor-session", fmt::format("{} {}", leader, started + 1)));
    stop_leftover_executor(dir->path(), log);
    CHECK(alive(leader));
    CHECK(alive(run));
    CHECK(log.str().empty());
    ::kill(run, SIGKILL);
    ::kill(leader, SIGKILL);
    int status = 0;
    ::waitpid(leader, &status, 0);
    CHECK(gone_soon(run));
}
