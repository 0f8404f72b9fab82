#include <catch2/catch.hpp>

#include "registry/platform.hpp"

using namespace kaniko;

namespace {

std::string what_is_wrong_with(std::string_view text) {
    std::string reason;
    CHECK_FALSE(parse_platform(text, &reason));
    return reason;
}

}  // namespace

TEST_CASE("platform: os/arch and os/arch/variant of known values", "[platform]") {
    CHECK(parse_platform("linux/amd64") == Platform{"linux", "amd64", ""});
    CHECK(parse_platform("linux/arm/v7") == Platform{"linux", "arm", "v7"});
    CHECK(parse_platform("linux/arm64/v8") == Platform{"linux", "arm64", "v8"});
    CHECK(to_string(Platform{"linux", "arm", "v7"}) == "linux/arm/v7");
    CHECK(tag_suffix(Platform{"linux", "arm", "v7"}) == "linux-arm-v7");
    CHECK(tag_suffix(Platform{"linux", "arm64", ""}) == "linux-arm64");
}

TEST_CASE("platform: each wrong part is named", "[platform]") {
    CHECK(what_is_wrong_with("arm64") == "is not a platform; use os/arch[/variant]");
    CHECK(what_is_wrong_with("linux/x86_64").starts_with("names no known architecture; use one of amd64, arm64, arm,"));
    CHECK(what_is_wrong_with("Linux/amd64").starts_with("names no known os; use one of linux, windows"));
    CHECK(what_is_wrong_with("linux/arm/v9") == "names no variant of arm; use one of v5, v6, v7, v8");
    CHECK(what_is_wrong_with("linux/386/v1") == "has a variant, and 386 has none");
    CHECK(what_is_wrong_with("linux/arm/") == "names no variant of arm; use one of v5, v6, v7, v8");
    CHECK(what_is_wrong_with("linux/arm/v7/x") == "names no variant of arm; use one of v5, v6, v7, v8");
    CHECK(what_is_wrong_with("/amd64").starts_with("names no known os"));
}
