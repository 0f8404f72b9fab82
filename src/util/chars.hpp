#pragma once

#include <string_view>

namespace kaniko {

// ASCII character classes, free of the locale that <cctype> consults.
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || is_digit(c); }
constexpr bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
constexpr bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Whether every part of `text` between `separator`s, empty ones included, satisfies `valid`.
template <class Predicate>
bool every_part(std::string_view text, char separator, Predicate valid) {
    for (;;) {
        const auto at = text.find(separator);
        if (!valid(text.substr(0, at))) return false;
        if (at == std::string_view::npos) return true;
        text = text.substr(at + 1);
    }
}

}  // namespace kaniko
