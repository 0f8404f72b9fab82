#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kaniko {

// One WWW-Authenticate challenge, e.g. `Bearer realm="https://auth/token",service="registry"`.
struct Challenge {
    std::string scheme;                         // lowercase: "basic", "bearer"
    std::map<std::string, std::string> params;  // keys lowercase, values unquoted

    std::string param(const std::string& key) const;
};

// Values may be quoted, contain commas and escaped quotes; keys and scheme are case-insensitive.
std::optional<Challenge> parse_challenge(std::string_view header);

}  // namespace kaniko
