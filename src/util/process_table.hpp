#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace kaniko {

// One line of /proc/PID/stat, as far as telling a build's processes apart needs it.
struct ProcessEntry {
    int pid = 0;
    int parent = 0;
    int group = 0;
    int session = 0;
    std::uint64_t start_time = 0;  // clock ticks after boot: with the PID, it names one process for good
    bool zombie = false;
};

// The fields of a /proc/PID/stat text ("PID (COMM) STATE PPID PGRP SESSION ... STARTTIME ..."), or
// nothing when it is not one. COMM may hold spaces and parentheses: the last ')' ends it.
std::optional<ProcessEntry> parse_process_stat(std::string_view stat);

// Every process of a build, alive: the members of the session the executor leads (a Kaniko RUN keeps
// the executor's session but not its process group), and every descendant of `ancestor` (the helper,
// a child subreaper, adopts what a RUN left orphaned), `ancestor` itself excepted. Zombies have ended.
std::vector<int> build_processes(const std::vector<ProcessEntry>& table, int session, int ancestor);

// The processes this machine runs now, from /proc.
std::vector<ProcessEntry> read_process_table();
std::optional<ProcessEntry> read_process(int pid);

}  // namespace kaniko
