#include <catch2/catch.hpp>

#include <csignal>
#include <unistd.h>

#include "util/process.hpp"
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

TEST_CASE("process: stream hands over merged lines as they come", "[process]") {
    SystemProcessRunner runner;
    std::vector<std::string> lines;
    const auto run = runner.stream({"sh", "-c", "echo out; echo err >&2; printf 'no newline'; exit 7"},
                                   {[&](std::string_view line) { lines.emplace_back(line); }});
    REQUIRE(run);
    CHECK(run->exit_code == 7);
    CHECK(run->signal == 0);
    CHECK(lines == std::vector<std::string>{"out", "err", "no newline"});
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
                                   {[&](std::string_view) { ++lines; }, [](int) {}, [&] { ++ticks; }});
    REQUIRE(run);
    CHECK(lines == 25);
    CHECK(ticks >= 1);
    CHECK(ticks <= 4);
}
