#include "util/process_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <string>

#include "util/files.hpp"

namespace kaniko {

namespace {

// The next space-separated field of `rest`, taken off its front.
std::string_view next_field(std::string_view& rest) {
    while (rest.starts_with(' ')) rest.remove_prefix(1);
    const auto end = std::min(rest.find(' '), rest.size());
    const auto field = rest.substr(0, end);
    rest.remove_prefix(end);
    return field;
}

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<ProcessEntry> parse_process_stat(std::string_view stat) {
    const auto open = stat.find(" (");
    const auto close = stat.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
    ProcessEntry entry;
    if (!parse_number(stat.substr(0, open), entry.pid)) return std::nullopt;
    std::string_view rest = stat.substr(close + 1);
    const auto state = next_field(rest);
    if (state.size() != 1) return std::nullopt;
    entry.zombie = state == "Z" || state == "X";
    if (!parse_number(next_field(rest), entry.parent) || !parse_number(next_field(rest), entry.group) ||
        !parse_number(next_field(rest), entry.session)) {
        return std::nullopt;
    }
    // After SESSION: tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority
    // nice num_threads itrealvalue, then starttime (field 22 of proc(5)).
    for (int skipped = 0; skipped < 15; ++skipped) {
        if (next_field(rest).empty()) return std::nullopt;
    }
    if (!parse_number(next_field(rest), entry.start_time)) return std::nullopt;
    return entry;
}

std::vector<int> build_processes(const std::vector<ProcessEntry>& table, int session, int ancestor) {
    std::map<int, int> parent_of;
    for (const auto& entry : table) parent_of[entry.pid] = entry.parent;
    const auto descends_from_ancestor = [&](int pid) {
        // Bounded: a table read while processes come and go could in principle hold a cycle.
        for (std::size_t hops = 0; hops <= table.size() && pid > 1; ++hops) {
            const auto parent = parent_of.find(pid);
            if (parent == parent_of.end()) return false;
            if (parent->second == ancestor) return true;
            pid = parent->second;
        }
        return false;
    };
    std::vector<int> members;
    for (const auto& entry : table) {
        if (entry.zombie || entry.pid == ancestor) continue;
        if ((session > 0 && entry.session == session) || (ancestor > 0 && descends_from_ancestor(entry.pid))) {
            members.push_back(entry.pid);
        }
    }
    return members;
}

std::optional<ProcessEntry> read_process(int pid) {
    const auto stat = read_text_file(fmt::format("/proc/{}/stat", pid));
    if (!stat) return std::nullopt;
    return parse_process_stat(*stat);
}

std::vector<ProcessEntry> read_process_table() {
    std::vector<ProcessEntry> table;
    std::error_code ec;
    for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
        int pid = 0;
        if (!parse_number(it->path().filename().string(), pid)) continue;
        // A process may end between the listing and the read: it is simply not in the table.
        if (auto entry = read_process(pid)) table.push_back(*entry);
    }
    return table;
}

}  // namespace kaniko
