#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <csignal>
#include <unistd.h>

#include "util/process.hpp"
#include "util/process_table.hpp"
#include "util/signals.hpp"

using namespace kaniko;

TEST_CASE("process: capture feeds stdin and returns stdout and the exit code", "[process]") {
    SystemProcessRunner runner;
    const auto run = runner.capture({"sh", "-c", "tr a-z A-Z; exit 3"}, "secret on stdin");
    REQUIRE(run);
    CHECK(run->output == "SECRET ON STDIN");
    CHECK(run->exit_code == 3);
}

TEST_CASE("process: a missing program is an error that says so", "[process]") {
    SystemProcessRunner runner;
    const auto run = runner.capture({"no-such-program-kaniko"});
    REQUIRE_FALSE(run);
    CHECK(run.error().message == "no-such-program-kaniko was not found on PATH; install it or add its directory to PATH");
}

TEST_CASE("process: stream hands over stdout and stderr merged, as they come", "[process]") {
    SystemProcessRunner runner;
    std::string output;
    const auto run = runner.stream({"sh", "-c", "echo out; echo err >&2; printf 'no newline'; exit 7"},
                                   {[&](std::string_view chunk) { output += chunk; }});
    REQUIRE(run);
    CHECK(run->exit_code == 7);
    CHECK(run->signal == 0);
    CHECK(output == "out\nerr\nno newline");
}

TEST_CASE("process: a child killed by a signal reports 128 + signal", "[process]") {
    SystemProcessRunner runner;
    const auto run = runner.stream({"sh", "-c", "kill -KILL $$"}, {[](std::string_view) {}});
    REQUIRE(run);
    CHECK(run->exit_code == 128 + SIGKILL);
}

TEST_CASE("process: a termination signal reaches on_signal while the child runs", "[process]") {
    SignalWatch signals;
    SystemProcessRunner runner(&signals);
    int seen = 0;
    // The child signals its parent (us), then waits to be told to stop through a file the handler writes.
    char dir_template[] = "/tmp/kaniko-process-test-XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    const std::string stop = std::string(dir_template) + "/stop";
    const auto run = runner.stream(
        {"sh", "-c", "kill -TERM $PPID; while [ ! -e \"$1\" ]; do sleep 0.05; done; echo stopped; exit 143", "sh", stop},
        {[](std::string_view) {},
         [&](int signal) {
             seen = signal;
             std::FILE* f = std::fopen(stop.c_str(), "w");
             if (f != nullptr) std::fclose(f);
         }});
    std::remove(stop.c_str());
    ::rmdir(dir_template);
    REQUIRE(run);
    CHECK(seen == SIGTERM);
    CHECK(run->signal == SIGTERM);
    CHECK(run->exit_code == 143);
}

TEST_CASE("process: ticks come about once a second, even while the child keeps printing", "[process]") {
    SystemProcessRunner runner;
    int ticks = 0;
    std::size_t lines = 0;
    const auto run = runner.stream({"sh", "-c", "i=0; while [ $i -lt 25 ]; do echo line; sleep 0.1; i=$((i+1)); done"},
                                   {[&](std::string_view chunk) { lines += std::count(chunk.begin(), chunk.end(), '\n'); },
                                    [](int) {}, [&] { ++ticks; }});
    REQUIRE(run);
    CHECK(lines == 25);
    CHECK(ticks >= 1);
    CHECK(ticks <= 4);
}

TEST_CASE("process: a child that exits without reading its input is an error of that call", "[process]") {
    SystemProcessRunner runner;
    // 1 MB cannot fit in a pipe: the write fails with EPIPE once the child has gone.
    const auto run = runner.capture({"sh", "-c", "exec 0<&-; exit 1"}, std::string(1 << 20, 'v'));
    REQUIRE_FALSE(run);
    CHECK(run.error().message == "sh -c 'exec 0<&-; exit 1' exited (code 1) without reading its standard input");
}

TEST_CASE("process: large input and output travel at once without a deadlock", "[process]") {
    SystemProcessRunner runner;
    const std::string input(1 << 20, 'z');
    const auto run = runner.capture({"cat"}, input);
    REQUIRE(run);
    CHECK(run->output == input);
}

TEST_CASE("process: after a cancel nothing new starts, but clean-up does", "[process][cancel]") {
    SignalWatch signals;
    SystemProcessRunner runner(&signals);
    REQUIRE(::raise(SIGTERM) == 0);
    REQUIRE(signals.received() == SIGTERM);
    const auto refused = runner.capture({"sh", "-c", "echo started"});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().exit_code == 128 + SIGTERM);
    CHECK(refused.error().message.starts_with("cancelled by signal 15;"));
    const auto streamed = runner.stream({"sh", "-c", "echo started"}, {[](std::string_view) {}});
    REQUIRE_FALSE(streamed);
    CHECK(streamed.error().exit_code == 128 + SIGTERM);
    const auto cleanup = runner.capture({"sh", "-c", "echo cleaned"}, {}, Stderr::inherit, OnCancel::run);
    REQUIRE(cleanup);
    CHECK(cleanup->output == "cleaned\n");
}

TEST_CASE("process: a cancel that lands while a captured child runs wins over its exit code", "[process][cancel]") {
    SignalWatch signals;
    SystemProcessRunner runner(&signals);
    // As the agent does: the whole group is signalled, so the child stops too, with its own failure.
    const auto run = runner.capture({"sh", "-c", "kill -TERM $PPID; exit 1"});
    REQUIRE_FALSE(run);
    CHECK(run.error().exit_code == 128 + SIGTERM);
}

TEST_CASE("process: with a stop grace, a cancel reaches the child's group at once, then SIGKILL", "[process][cancel]") {
    SignalWatch signals;
    SystemProcessRunner runner(&signals);
    std::string output;
    StreamHandlers handlers{[&](std::string_view text) { output += text; }};
    handlers.stop_grace = std::chrono::seconds(1);
    // The child ignores SIGTERM, as a stuck executor might; its own child reports the signal. Then the
    // cancel comes to our process only: passing it on to the group is the runner's work. Left alone,
    // the child would exit 7 after 30 s.
    const auto script = "armed=$(mktemp -u); trap '' TERM; "
                        "(trap 'echo got-term; exit 0' TERM; : >$armed; while :; do sleep 0.1; done) & "
                        "until [ -e $armed ]; do sleep 0.01; done; rm -f $armed; echo ready; kill -TERM $PPID; "
                        "i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; exit 7";
    const auto streamed = runner.stream({"sh", "-c", script}, handlers);
    REQUIRE(streamed);
    CHECK(streamed->signal == SIGTERM);
    CHECK(streamed->exit_code == 128 + SIGKILL);
    // (The shell may also say that its sleep was terminated.)
    CHECK(output.starts_with("ready\n"));
    CHECK(output.find("got-term\n") != std::string::npos);
}

namespace {

// What is left alive of the session that `leader` led.
std::vector<int> session_left(int leader) { return build_processes(read_process_table(), leader, 0); }

// The stand-in for Kaniko's behaviour on a cancel: each RUN in a process group of its own (Setpgid),
// the RUN starting a background child, and the executor ending on SIGTERM without passing it on.
std::string executor_script(std::string_view run) {
    return fmt::format("{} sh -c '{}' & "
                       "until [ -n \"$(pgrep -s $$ -x sleep)\" ]; do sleep 0.01; done; echo running; "
                       "kill -TERM $PPID; wait",
                       KANIKO_IN_OWN_GROUP, run);
}

}  // namespace

TEST_CASE("process: a cancel ends every process of the build, in any process group", "[process][cancel]") {
    SignalWatch signals;
    SystemProcessRunner runner(&signals);
    std::string output;
    int leader = 0;
    bool build_alive_at_on_signal = false;
    StreamHandlers handlers{[&](std::string_view text) { output += text; }};
    handlers.stop_grace = std::chrono::seconds(5);
    handlers.on_start = [&](int pid) { leader = pid; };
    // Called before anything is signalled: the RUN is still there.
    handlers.on_signal = [&](int) { build_alive_at_on_signal = !session_left(leader).empty(); };
    const auto streamed = runner.stream({"sh", "-c", executor_script("sleep 297 & sleep 300")}, handlers);
    REQUIRE(streamed);
    CHECK(streamed->signal == SIGTERM);
    CHECK(output.starts_with("running\n"));
    CHECK(build_alive_at_on_signal);
    CHECK(session_left(leader).empty());
}

TEST_CASE("process: what ignores the cancel is killed after the grace period", "[process][cancel]") {
    SignalWatch signals;
    SystemProcessRunner runner(&signals);
    int leader = 0;
    StreamHandlers handlers{[](std::string_view) {}};
    handlers.stop_grace = std::chrono::seconds(1);
    handlers.on_start = [&](int pid) { leader = pid; };
    // The RUN lets go of the output, so the end of the output cannot be what ends the wait.
    const auto streamed = runner.stream(
        {"sh", "-c", executor_script("trap \"\" TERM; exec >/dev/null 2>&1; sleep 297 & sleep 300")}, handlers);
    REQUIRE(streamed);
    CHECK(streamed->signal == SIGTERM);
    CHECK(session_left(leader).empty());
}

TEST_CASE("process: capture_all runs its calls side by side, each with its own stdin to its end", "[process]") {
    SystemProcessRunner runner;
    char dir_template[] = "/tmp/kaniko-capture-all-XXXXXX";
    const std::string dir = ::mkdtemp(dir_template);
    // The first waits until the second has started: in turn, it would give up after 10 s and fail.
    const auto first = fmt::format(
        "i=0; while [ ! -e {0}/second ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; [ -e {0}/second ] && cat",
        dir);
    const auto results = runner.capture_all({{{"sh", "-c", first}, "one"},
                                             {{"sh", "-c", fmt::format("touch {}/second; cat", dir)}, "two"},
                                             {{"sh", "-c", "cat; exit 4"}, "three"}});
    std::remove((dir + "/second").c_str());
    ::rmdir(dir.c_str());
    REQUIRE(results.size() == 3);
    REQUIRE(results[0]);
    CHECK(results[0]->output == "one");
    CHECK(results[0]->exit_code == 0);
    REQUIRE(results[1]);
    CHECK(results[1]->output == "two");
    REQUIRE(results[2]);
    CHECK(results[2]->output == "three");
    CHECK(results[2]->exit_code == 4);
}
