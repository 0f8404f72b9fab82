#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kaniko {

// Carries a child's output to the job log as it arrives, in chunks rather than a line at a time,
// with every secret masked, and holding a bounded amount whatever the line lengths: complete
// lines go on at once; a line longer than the hold limit goes on in pieces, keeping back only what
// could be the start of a secret that the next read completes.
class LogRelay {
public:
    using Sink = std::function<void(std::string_view)>;

    static constexpr std::size_t k_hold_limit = 64 * 1024;
    static constexpr std::string_view k_masked = "[REDACTED]";

    explicit LogRelay(Sink sink) : m_sink(std::move(sink)) {}

    // These texts are masked in everything not passed on yet. None may hold a newline. Returns
    // those it did not mask already.
    std::vector<std::string> mask(const std::vector<std::string>& forms);
    void feed(std::string_view output);
    // Passes on what was held back: the output has ended.
    void finish();

    // The last `count` lines passed on, masked, each cut to a length an annotation can show.
    std::vector<std::string> last_lines(std::size_t count) const;

private:
    static std::size_t find(std::string_view text, std::size_t from, std::string_view form);
    void pass_on(std::size_t length);
    std::string masked(std::string_view text) const;

    Sink m_sink;
    std::vector<std::string> m_forms;
    std::size_t m_longest_form = 0;
    std::string m_pending;
    std::string m_recent;  // the end of what was passed on, for last_lines
};

}  // namespace kaniko
