#include "registry/platform.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace kaniko {

namespace {

// The operating systems an image config names for a Kaniko build: Kaniko builds Linux images only,
// but an index may hold what other tools built.
constexpr std::array<std::string_view, 4> k_systems{"linux", "windows", "freebsd", "darwin"};

struct Architecture {
    std::string_view name;
    std::array<std::string_view, 4> variants;  // the ones the OCI image spec lists; empty: none
};
constexpr std::array k_architectures{
    Architecture{"amd64", {"v1", "v2", "v3", "v4"}},  Architecture{"arm64", {"v8", "v9"}},
    Architecture{"arm", {"v5", "v6", "v7", "v8"}},    Architecture{"386", {}},
    Architecture{"ppc64le", {}},                      Architecture{"s390x", {}},
    Architecture{"riscv64", {}},                      Architecture{"mips64le", {}},
    Architecture{"loong64", {}},
};

template <class Range>
std::string listed(const Range& names) {
    std::string out;
    for (const auto name : names) {
        if (name.empty()) continue;
        out += fmt::format("{}{}", out.empty() ? "" : ", ", name);
    }
    return out;
}

}  // namespace

std::optional<Platform> parse_platform(std::string_view text, std::string* what_is_wrong) {
    const auto wrong = [&](std::string reason) -> std::optional<Platform> {
        if (what_is_wrong != nullptr) *what_is_wrong = std::move(reason);
        return std::nullopt;
    };
    const auto first = text.find('/');
    if (first == std::string_view::npos) return wrong("is not a platform; use os/arch[/variant]");
    const auto second = text.find('/', first + 1);
    const auto os = text.substr(0, first);
    const auto arch = text.substr(first + 1, second == std::string_view::npos ? second : second - first - 1);
    const auto variant = second == std::string_view::npos ? std::string_view() : text.substr(second + 1);
    if (std::find(k_systems.begin(), k_systems.end(), os) == k_systems.end()) {
        return wrong(fmt::format("names no known os; use one of {}", listed(k_systems)));
    }
    const auto* known = std::find_if(k_architectures.begin(), k_architectures.end(),
                                     [&](const Architecture& a) { return a.name == arch; });
    if (known == k_architectures.end()) {
        std::array<std::string_view, k_architectures.size()> names{};
        std::transform(k_architectures.begin(), k_architectures.end(), names.begin(),
                       [](const Architecture& a) { return a.name; });
        return wrong(fmt::format("names no known architecture; use one of {}", listed(names)));
    }
    if (second != std::string_view::npos &&
        (variant.empty() || std::find(known->variants.begin(), known->variants.end(), variant) == known->variants.end())) {
        if (listed(known->variants).empty()) return wrong(fmt::format("has a variant, and {} has none", arch));
        return wrong(fmt::format("names no variant of {}; use one of {}", arch, listed(known->variants)));
    }
    return Platform{std::string(os), std::string(arch), std::string(variant)};
}

std::string to_string(const Platform& platform) {
    if (platform.variant.empty()) return fmt::format("{}/{}", platform.os, platform.architecture);
    return fmt::format("{}/{}/{}", platform.os, platform.architecture, platform.variant);
}

std::string tag_suffix(const Platform& platform) {
    auto suffix = to_string(platform);
    std::replace(suffix.begin(), suffix.end(), '/', '-');
    return suffix;
}

}  // namespace kaniko
