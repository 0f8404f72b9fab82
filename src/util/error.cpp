#include "util/error.hpp"

#include <fmt/format.h>

namespace kaniko {

namespace {

// A message is one line a person reads: a longer value is named by its start and its size.
constexpr std::size_t k_shown = 64;

std::string_view shown_part(std::string_view text) {
    if (text.size() <= 2 * k_shown) return text;
    auto cut = k_shown;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters only
    return text.substr(0, cut);
}

std::string size_note(std::string_view text, std::string_view shown) {
    return shown.size() == text.size() ? std::string() : fmt::format("... ({} characters)", text.size());
}

}  // namespace

std::string abbreviated(std::string_view text) {
    const auto shown = shown_part(text);
    return std::string(shown) + size_note(text, shown);
}

std::string quote_value(std::string_view text) {
    const auto shown = shown_part(text);
    std::string out = "\"";
    for (const char c : shown) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out + size_note(text, shown);
}

Error Error::invalid_attribute(std::string_view attribute, std::string_view value, std::string_view allowed) {
    return {fmt::format("{}: {} {}", attribute, quote_value(value), allowed), k_exit_invalid_config};
}

Error Error::invalid_config(std::string message) { return {std::move(message), k_exit_invalid_config}; }

Error Error::failure(std::string message, int exit_code) { return {std::move(message), exit_code}; }

Error Error::cancelled(int signal) {
    return {fmt::format("cancelled by signal {}; nothing more is started, the executor is stopped and the credentials "
                        "are removed",
                        signal),
            128 + signal};
}

}  // namespace kaniko
