#include "util/log_relay.hpp"

#include <algorithm>
#include <cstring>

namespace kaniko {

namespace {

constexpr std::size_t k_recent_bytes = 32 * 1024;
constexpr std::size_t k_max_line_shown = 1000;
constexpr std::size_t k_probe_length = 64;

}  // namespace

std::vector<std::string> LogRelay::mask(const std::vector<std::string>& forms) {
    std::vector<std::string> added;
    for (const auto& form : forms) {
        if (form.empty() || std::find(m_forms.begin(), m_forms.end(), form) != m_forms.end()) continue;
        m_forms.push_back(form);
        added.push_back(form);
        m_longest_form = std::max(m_longest_form, form.size());
    }
    // Longest first: a form inside a longer one (a token inside its `auth`) must not cut the longer
    // one short before it is found.
    std::stable_sort(m_forms.begin(), m_forms.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    return added;
}

// The first whole `form` in `text` at or after `from`. glibc's memmem is fast for needles of up to
// 256 bytes and several times slower past that (a token is longer), so a short probe is searched
// for and the rest compared.
std::size_t LogRelay::find(std::string_view text, std::size_t from, std::string_view form) {
    const auto probe = std::min(form.size(), k_probe_length);
    while (from + form.size() <= text.size()) {
        const auto* at = static_cast<const char*>(::memmem(text.data() + from, text.size() - from, form.data(), probe));
        if (at == nullptr) return std::string_view::npos;
        const auto offset = static_cast<std::size_t>(at - text.data());
        if (offset + form.size() > text.size()) return std::string_view::npos;
        if (text.substr(offset + probe, form.size() - probe) == form.substr(probe)) return offset;
        from = offset + 1;
    }
    return std::string_view::npos;
}

std::string LogRelay::masked(std::string_view text) const {
    std::string out;
    for (const auto& form : m_forms) {
        auto at = find(text, 0, form);
        if (at == std::string_view::npos) continue;
        // Rare: build the masked copy, then let the remaining forms work on it.
        std::string replaced;
        std::size_t from = 0;
        while (at != std::string_view::npos) {
            replaced.append(text.substr(from, at - from)).append(k_masked);
            from = at + form.size();
            at = find(text, from, form);
        }
        replaced.append(text.substr(from));
        out = std::move(replaced);
        text = out;
    }
    return out;  // empty: nothing to mask
}

void LogRelay::pass_on(std::size_t length) {
    const std::string_view text(m_pending.data(), length);
    const auto replaced = masked(text);
    const std::string_view shown = replaced.empty() ? text : std::string_view(replaced);
    m_sink(shown);
    if (shown.size() >= k_recent_bytes) {
        m_recent.assign(shown.substr(shown.size() - k_recent_bytes));
    } else {
        if (m_recent.size() + shown.size() > k_recent_bytes) m_recent.erase(0, m_recent.size() + shown.size() - k_recent_bytes);
        m_recent.append(shown);
    }
    m_pending.erase(0, length);
}

void LogRelay::feed(std::string_view output) {
    if (output.empty()) return;
    m_pending.append(output);
    // Secrets never span a newline, so complete lines can go at once.
    const auto* newline = static_cast<const char*>(::memrchr(output.data(), '\n', output.size()));
    if (newline != nullptr) pass_on(m_pending.size() - static_cast<std::size_t>(output.data() + output.size() - newline) + 1);
    if (m_pending.size() > k_hold_limit) {
        // A secret wholly inside is masked now; one cut off at the end starts in the last
        // (longest form - 1) bytes, so those wait for the next read.
        const auto keep = m_longest_form > 0 ? m_longest_form - 1 : 0;
        auto whole = masked(m_pending);
        if (!whole.empty()) m_pending = std::move(whole);
        if (m_pending.size() > keep) pass_on(m_pending.size() - keep);
    }
}

void LogRelay::finish() {
    if (!m_pending.empty()) pass_on(m_pending.size());
}

std::vector<std::string> LogRelay::last_lines(std::size_t count) const {
    std::vector<std::string> lines;
    std::string_view rest(m_recent);
    if (rest.ends_with('\n')) rest.remove_suffix(1);
    while (lines.size() < count && !rest.empty()) {
        const auto newline = rest.rfind('\n');
        auto line = newline == std::string_view::npos ? rest : rest.substr(newline + 1);
        rest = newline == std::string_view::npos ? std::string_view() : rest.substr(0, newline);
        if (line.ends_with('\r')) line.remove_suffix(1);
        std::string shown(line.substr(0, k_max_line_shown));
        if (line.size() > k_max_line_shown) shown += " [...]";
        lines.push_back(std::move(shown));
    }
    std::reverse(lines.begin(), lines.end());
    return lines;
}

}  // namespace kaniko
