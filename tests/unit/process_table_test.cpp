#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>

#include "util/process_table.hpp"

using namespace kaniko;

TEST_CASE("process table: a stat line, a command with spaces and parentheses included", "[process_table]") {
    const auto entry = parse_process_stat(
        "4242 (sh -c (x) y) S 4200 4242 4100 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 2000000 300 "
        "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
    REQUIRE(entry);
    CHECK(entry->pid == 4242);
    CHECK(entry->parent == 4200);
    CHECK(entry->group == 4242);
    CHECK(entry->session == 4100);
    CHECK(entry->start_time == 987654);
    CHECK_FALSE(entry->zombie);
    const auto zombie = parse_process_stat("7 (x) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0");
    REQUIRE(zombie);
    CHECK(zombie->zombie);
    CHECK_FALSE(parse_process_stat("7 (x) S 1 7"));
    CHECK_FALSE(parse_process_stat("garbage"));
    CHECK_FALSE(parse_process_stat(""));
}

TEST_CASE("process table: a build is its session and the helper's descendants, zombies and others not", "[process_table]") {
    const std::vector<ProcessEntry> table{
        {1, 0, 1, 1, 1, false},          // init
        {100, 1, 100, 100, 10, false},   // the helper, in the hook's session
        {200, 100, 200, 200, 20, false}, // the executor, leading its session
        {300, 200, 300, 200, 30, false}, // a RUN, in a group of its own
        {301, 1, 300, 200, 31, false},   // its background child, orphaned to init
        {302, 100, 302, 302, 32, false}, // a child that left the session, adopted by the helper
        {303, 302, 302, 302, 33, false}, // and its child
        {304, 200, 304, 200, 34, true},  // a zombie
        {400, 1, 400, 400, 40, false},   // another job's executor
    };
    CHECK(build_processes(table, 200, 100) == std::vector<int>{200, 300, 301, 302, 303});
    // pre-exit, after the helper was killed: the session alone.
    CHECK(build_processes(table, 200, 0) == std::vector<int>{200, 300, 301});
}

TEST_CASE("process table: this process is in it, as it is", "[process_table]") {
    const auto self = read_process(::getpid());
    REQUIRE(self);
    CHECK(self->pid == ::getpid());
    CHECK(self->parent == ::getppid());
    CHECK(self->session == ::getsid(0));
    CHECK(self->start_time > 0);
    const auto table = read_process_table();
    CHECK(std::any_of(table.begin(), table.end(), [](const ProcessEntry& entry) { return entry.pid == ::getpid(); }));
}
