#include "registry/challenge.hpp"

#include <cctype>

namespace kaniko {

namespace {

std::string lower(std::string_view text) {
    std::string out;
    for (const char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string Challenge::param(const std::string& key) const {
    const auto found = params.find(key);
    return found == params.end() ? std::string() : found->second;
}

std::optional<Challenge> parse_challenge(std::string_view header) {
    std::size_t at = 0;
    while (at < header.size() && is_space(header[at])) ++at;
    const auto scheme_end = header.find_first_of(" \t", at);
    Challenge challenge{lower(header.substr(at, scheme_end - at)), {}};
    if (challenge.scheme.empty()) return std::nullopt;
    if (scheme_end == std::string_view::npos) return challenge;
    at = scheme_end;
    while (at < header.size()) {
        while (at < header.size() && (is_space(header[at]) || header[at] == ',')) ++at;
        if (at >= header.size()) break;
        const auto equals = header.find('=', at);
        if (equals == std::string_view::npos) return std::nullopt;
        auto key = header.substr(at, equals - at);
        while (!key.empty() && is_space(key.back())) key.remove_suffix(1);
        at = equals + 1;
        while (at < header.size() && is_space(header[at])) ++at;
        std::string value;
        if (at < header.size() && header[at] == '"') {
            ++at;
            bool closed = false;
            while (at < header.size()) {
                const char c = header[at++];
                if (c == '\\' && at < header.size()) {
                    value += header[at++];
                } else if (c == '"') {
                    closed = true;
                    break;
                } else {
                    value += c;
                }
            }
            if (!closed) return std::nullopt;
        } else {
            const auto end = header.find(',', at);
            value = std::string(header.substr(at, end - at));
            while (!value.empty() && is_space(value.back())) value.pop_back();
            at = end == std::string_view::npos ? header.size() : end;
        }
        if (key.empty()) return std::nullopt;
        challenge.params[lower(key)] = std::move(value);
    }
    return challenge;
}

}  // namespace kaniko
