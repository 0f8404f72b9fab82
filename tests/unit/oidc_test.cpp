#include <catch2/catch.hpp>

#include <limits>

#include "buildkite/oidc.hpp"
#include "util/base64.hpp"

using namespace kaniko;

namespace {
std::string jwt(std::string_view payload) {
    return base64_encode(R"({"alg":"RS256"})") + "." + base64_encode(payload) + ".c2ln";
}
}  // namespace

TEST_CASE("oidc: the token request the recipe makes", "[oidc]") {
    CHECK(token_request_command("https://packages.buildkite.com/acme/images", 300) ==
          Argv{"buildkite-agent", "oidc", "request-token", "--audience", "https://packages.buildkite.com/acme/images",
               "--lifetime", "300"});
}

TEST_CASE("oidc: claims of a token", "[oidc]") {
    const auto claims = decode_token_claims(jwt(R"({"aud":"https://r.example","exp":1700000000,"sub":"x"})"));
    REQUIRE(claims);
    CHECK(claims->audience == "https://r.example");
    CHECK(claims->expires_at == 1700000000);
    CHECK(claims->subject == "x");
    CHECK(claims->issuer.empty());
    const auto issued = decode_token_claims(jwt(R"({"iss":"https://agent.buildkite.com","sub":7})"));
    REQUIRE(issued);
    CHECK(issued->issuer == "https://agent.buildkite.com");
    CHECK(issued->subject.empty());
    const auto listed = decode_token_claims(jwt(R"({"aud":["https://a","https://b"],"exp":1})"));
    REQUIRE(listed);
    CHECK(listed->audience == "https://a");
}

TEST_CASE("oidc: something that is not a JWT", "[oidc]") {
    CHECK_FALSE(decode_token_claims("opaque-token"));
    CHECK_FALSE(decode_token_claims("a.b"));
    CHECK(decode_token_claims("x.!!!.y").error().message ==
          "the OIDC token is not a JWT (expected three base64url parts)");
}

TEST_CASE("oidc: a token for another audience, or expired, is refused before use", "[oidc]") {
    const TokenClaims claims{"https://packages.buildkite.com/acme/images", 1000};
    CHECK(check_token_claims(claims, "https://packages.buildkite.com/acme/images", 999));
    CHECK(check_token_claims(claims, "https://packages.buildkite.com/acme/other", 999).error().message ==
          "the OIDC token's audience is \"https://packages.buildkite.com/acme/images\", but oidc-audience is "
          "\"https://packages.buildkite.com/acme/other\"; the agent issued a token for another registry");
    CHECK(check_token_claims(claims, "https://packages.buildkite.com/acme/images", 1030).error().message ==
          "the OIDC token expired 30s ago; check the agent's clock and oidc-lifetime");
}

TEST_CASE("oidc: an expiry with a fraction or out of range is read, never thrown on", "[oidc][hostile]") {
    // Found by fuzz_jwt: Boost.JSON throws when asked for a fractional number as an integer.
    const auto fraction = decode_token_claims(jwt(R"({"aud":"a","exp":1500.0001})"));
    REQUIRE(fraction);
    CHECK(fraction->expires_at == 1500);
    CHECK(decode_token_claims(jwt(R"({"aud":"a","exp":1e300})"))->expires_at == std::numeric_limits<std::int64_t>::max());
    CHECK(decode_token_claims(jwt(R"({"aud":"a","exp":-1e300})"))->expires_at == std::numeric_limits<std::int64_t>::min());
    CHECK(decode_token_claims(jwt(R"({"aud":"a","exp":18446744073709551615})"))->expires_at ==
          std::numeric_limits<std::int64_t>::max());
    const TokenClaims ancient{"a", std::numeric_limits<std::int64_t>::min()};
    CHECK(check_token_claims(ancient, "a", 1700000000).error().message ==
          "the OIDC token expired 9223372038554775808s ago; check the agent's clock and oidc-lifetime");
}
