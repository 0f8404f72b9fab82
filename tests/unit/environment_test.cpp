#include <catch2/catch.hpp>

#include <cstdlib>

#include "util/environment.hpp"

using namespace kaniko;

TEST_CASE("environment: empty reads as unset, but is still set", "[environment]") {
    const Environment env(std::map<std::string, std::string, std::less<>>{{"EMPTY", ""}, {"FLAG", "1"}, {"ZERO", "0"}});
    CHECK_FALSE(env.get("EMPTY"));
    CHECK(env.is_set("EMPTY"));
    CHECK_FALSE(env.is_set("MISSING"));
    CHECK(env.flag("FLAG"));
    CHECK_FALSE(env.flag("ZERO"));
    CHECK_FALSE(env.flag("MISSING"));
}

TEST_CASE("environment: a snapshot of the process, values with = kept whole", "[environment]") {
    ::setenv("KANIKO_ENVIRONMENT_TEST", "a=b=c", 1);
    const auto env = Environment::from_process();
    ::unsetenv("KANIKO_ENVIRONMENT_TEST");
    CHECK(env.get("KANIKO_ENVIRONMENT_TEST") == "a=b=c");
}
