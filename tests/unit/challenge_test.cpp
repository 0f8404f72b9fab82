#include <catch2/catch.hpp>

#include "registry/challenge.hpp"

using namespace kaniko;

TEST_CASE("challenge: Bearer with quoted values", "[challenge]") {
    const auto c = parse_challenge(
        R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push")");
    REQUIRE(c);
    CHECK(c->scheme == "bearer");
    CHECK(c->param("realm") == "https://auth.example/token");
    CHECK(c->param("service") == "registry.example");
    CHECK(c->param("scope") == "repository:a/b:pull,push");
}

TEST_CASE("challenge: case, spacing, escapes and bare values", "[challenge]") {
    const auto c = parse_challenge(R"(  BASIC Realm = "say \"hi\", please" , charset=UTF-8)");
    REQUIRE(c);
    CHECK(c->scheme == "basic");
    CHECK(c->param("realm") == R"(say "hi", please)");
    CHECK(c->param("charset") == "UTF-8");
    CHECK(c->param("missing").empty());
}

TEST_CASE("challenge: a scheme alone, and malformed headers", "[challenge]") {
    const auto bare = parse_challenge("Basic");
    REQUIRE(bare);
    CHECK(bare->params.empty());
    CHECK_FALSE(parse_challenge(""));
    CHECK_FALSE(parse_challenge(R"(Bearer realm="unterminated)"));
    CHECK_FALSE(parse_challenge("Bearer novalue"));
}
