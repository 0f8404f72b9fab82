#include "annotation/kaniko_log.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string_view>

#include <fmt/format.h>

#include "annotation/annotation.hpp"

namespace kaniko {

namespace {

constexpr std::string_view k_error_prefix = "error building image:";
constexpr std::string_view k_run_failed = "failed to execute command";
constexpr std::size_t k_max_output_lines = 40;

constexpr std::array<std::string_view, 17> k_instructions{
    "ADD",  "ARG",   "CMD",        "COPY",        "ENTRYPOINT", "ENV",    "EXPOSE",      "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"};

std::string_view trim_right(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

// The message of a line Kaniko logs ("INFO[2026-12-03T13:28:00Z] message   "), or nothing for a line
// that something else printed (a RUN, or Kaniko's final error).
std::optional<std::string_view> kaniko_message(std::string_view line) {
    if (line.size() < 6 || line[4] != '[') return std::nullopt;
    if (!std::all_of(line.begin(), line.begin() + 4, [](char c) { return c >= 'A' && c <= 'Z'; })) return std::nullopt;
    const auto end = line.find("] ");
    if (end == std::string_view::npos) return std::nullopt;
    return trim_right(line.substr(end + 2));
}

bool is_instruction(std::string_view message) {
    const auto space = message.find(' ');
    if (space == std::string_view::npos) return false;
    const auto keyword = message.substr(0, space);
    return std::find(k_instructions.begin(), k_instructions.end(), keyword) != k_instructions.end();
}

// "Building stage 'BASE' [idx: 'N', base-idx: '-1']" as "stage N (FROM BASE)".
std::optional<std::string> stage_of(std::string_view message) {
    constexpr std::string_view prefix = "Building stage '";
    if (!message.starts_with(prefix)) return std::nullopt;
    message.remove_prefix(prefix.size());
    const auto base_end = message.find('\'');
    if (base_end == std::string_view::npos) return std::nullopt;
    const auto base = message.substr(0, base_end);
    constexpr std::string_view index_prefix = "[idx: '";
    const auto index_at = message.find(index_prefix, base_end);
    if (index_at == std::string_view::npos) return fmt::format("stage FROM {}", base);
    const auto index_start = index_at + index_prefix.size();
    const auto index = message.substr(index_start, message.find('\'', index_start) - index_start);
    return fmt::format("stage {} (FROM {})", index, base);
}

// The N of a trailing "exit status N".
std::optional<int> exit_status_of(std::string_view error) {
    constexpr std::string_view marker = "exit status ";
    const auto at = error.rfind(marker);
    if (at == std::string_view::npos) return std::nullopt;
    const auto digits = trim_right(error.substr(at + marker.size()));
    int status = 0;
    const auto [end, failure] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
    if (failure != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return status;
}

}  // namespace

KanikoFailure read_kaniko_failure(const std::vector<std::string>& lines) {
    KanikoFailure failure;
    std::string stage;
    std::optional<std::string> announced;  // the instruction Kaniko works on
    std::optional<std::string> running;    // the RUN whose process runs, and so prints
    std::string running_stage;
    std::vector<std::string> output;
    for (const auto& raw : lines) {
        const auto plain = strip_terminal_escapes(raw);
        const std::string_view line = plain;
        if (const auto message = kaniko_message(line)) {
            if (auto named = stage_of(*message)) {
                stage = std::move(*named);
            } else if (is_instruction(*message)) {
                announced = std::string(*message);
                running.reset();
            } else if (message->starts_with("Running: [") && announced && announced->starts_with("RUN ")) {
                running = announced;
                running_stage = stage;
                output.clear();
            }
            continue;
        }
        if (line.starts_with(k_error_prefix)) {
            failure.error = std::string(trim_right(line));
        } else if (running) {
            output.emplace_back(trim_right(line));
        }
    }
    if (running && failure.error && failure.error->find(k_run_failed) != std::string::npos) {
        failure.instruction = std::move(running);
        failure.stage = std::move(running_stage);
        failure.exit_status = exit_status_of(*failure.error);
        if (output.size() > k_max_output_lines) output.erase(output.begin(), output.end() - k_max_output_lines);
        failure.output = std::move(output);
    }
    return failure;
}

}  // namespace kaniko
