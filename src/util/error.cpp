#include "util/error.hpp"

#include <fmt/format.h>

namespace kaniko {

std::string quote_value(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
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
    return out;
}

Error Error::invalid_attribute(std::string_view attribute, std::string_view value, std::string_view allowed) {
    return {fmt::format("{}: {} {}", attribute, quote_value(value), allowed), k_exit_invalid_config};
}

Error Error::invalid_config(std::string message) { return {std::move(message), k_exit_invalid_config}; }

Error Error::failure(std::string message, int exit_code) { return {std::move(message), exit_code}; }

}  // namespace kaniko
