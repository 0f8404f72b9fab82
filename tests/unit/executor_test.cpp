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
    const auto run = make_executor(plan, edges)->run({"docker", "run"}, f.relay, [] {}, "/tmp/private");
    REQUIRE(run);
    CHECK(run->signal == 15);
    CHECK_FALSE(runner.stop_grace);
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

TEST_CASE("executor: local passes a cancel to the executor's group, with a grace before SIGKILL", "[executor]") {
    Fixture f;
    CancellingRunner runner;
    const auto plan = plan_for(ExecutorKind::local);
    const BuildEnvironment edges{f.env, runner, f.agent, f.http, f.log, "/builds/app", "/tmp", ""};
    const auto run = make_executor(plan, edges)->run({"/kaniko/executor"}, f.relay, [] {}, "/tmp/private");
    REQUIRE(run);
    CHECK(run->signal == 15);
    CHECK(runner.stop_grace == std::chrono::seconds(10));
    CHECK(runner.captured.empty());  // no docker rm
    CHECK(f.log.str() == "kaniko: received signal 15; stopping the executor (killed in 10s)\n");
}

namespace {

// A child that waits to be killed; in a process group of its own when `own_group`.
pid_t waiting_child(bool own_group) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (own_group) ::setpgid(0, 0);
        for (;;) ::pause();
    }
    if (own_group) ::setpgid(pid, pid);
    return pid;
}

}  // namespace

TEST_CASE("executor: pre-exit kills the group a killed local build left running, and only that", "[executor]") {
    auto dir = TempDir::create("/tmp", "kaniko-executor-test-");
    REQUIRE(dir);
    std::ostringstream log;

    const pid_t leftover = waiting_child(true);
    REQUIRE(write_private_file(dir->path() + "/executor-group", std::to_string(leftover)));
    stop_leftover_executor(dir->path(), log);
    int status = 0;
    REQUIRE(::waitpid(leftover, &status, 0) == leftover);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    CHECK(log.str() == fmt::format("kaniko: stopped the executor that a killed build left running (process group {})\n",
                                   leftover));

    // A number that now belongs to a process leading no group of its own is left alone.
    const pid_t stranger = waiting_child(false);
    REQUIRE(replace_private_file(dir->path() + "/executor-group", std::to_string(stranger)));
    stop_leftover_executor(dir->path(), log);
    CHECK(::waitpid(stranger, &status, WNOHANG) == 0);
    ::kill(stranger, SIGKILL);
    ::waitpid(stranger, &status, 0);
}
