#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kaniko {

// An OCI platform as a build step names it (`linux/arm64`, `linux/arm/v7`) and as an image config
// and an index entry record it.
struct Platform {
    std::string os;
    std::string architecture;
    std::string variant;  // empty when the architecture has none
    bool operator==(const Platform&) const = default;
};

// `os/arch[/variant]` with values Go and the OCI image spec define (GOOS, GOARCH and the variants
// the spec lists), or nothing; `what_is_wrong` says which part is not one, for an error message.
std::optional<Platform> parse_platform(std::string_view text, std::string* what_is_wrong = nullptr);

// `linux/arm/v7`
std::string to_string(const Platform& platform);
// `linux-arm-v7`: what a platform's build appends to each tag.
std::string tag_suffix(const Platform& platform);

inline constexpr std::string_view k_platform_examples = "e.g. linux/amd64, linux/arm64 or linux/arm/v7";

}  // namespace kaniko
