#include <catch2/catch.hpp>

#include "util/base64.hpp"

using namespace kaniko;

TEST_CASE("base64: RFC 4648 vectors", "[base64]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_decode("Zm9vYmE=") == "fooba");
    CHECK(base64_decode("Zm9vYmE") == "fooba");
}

TEST_CASE("base64: the URL-safe alphabet of JWTs", "[base64]") {
    CHECK(base64_decode("-_8") == std::string("\xfb\xff"));
    CHECK(base64_decode("+/8=") == std::string("\xfb\xff"));
    CHECK_FALSE(base64_decode("a"));
    CHECK_FALSE(base64_decode("a*bc"));
}
