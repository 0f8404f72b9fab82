#include <catch2/catch.hpp>

#include "util/shell.hpp"

using namespace kaniko;

TEST_CASE("shell: quoting only where needed", "[shell]") {
    CHECK(shell_quote("--destination=r:5000/app:v1") == "--destination=r:5000/app:v1");
    CHECK(shell_quote("") == "''");
    CHECK(shell_quote("a b") == "'a b'");
    CHECK(shell_quote("it's") == "'it'\\''s'");
    CHECK(shell_quote("$HOME") == "'$HOME'");
    CHECK(shell_join({"docker", "run", "<dir>:/x"}) == "docker run '<dir>:/x'");
}
