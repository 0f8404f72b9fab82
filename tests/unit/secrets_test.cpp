#include <catch2/catch.hpp>

#include <algorithm>

#include "util/base64.hpp"
#include "util/secrets.hpp"

using namespace kaniko;

namespace {
bool some_form_in(const std::vector<std::string>& forms, const std::string& text) {
    return std::any_of(forms.begin(), forms.end(), [&](const auto& form) { return text.find(form) != std::string::npos; });
}
}  // namespace

TEST_CASE("secrets: the raw value and the Docker config's auth are both forms", "[secrets]") {
    const auto forms = secret_forms({"eyJhbGciOiJSUzI1NiJ9.payload.signature", "buildkite"});
    CHECK(std::count(forms.begin(), forms.end(), "eyJhbGciOiJSUzI1NiJ9.payload.signature") == 1);
    CHECK(std::count(forms.begin(), forms.end(), base64_encode("buildkite:eyJhbGciOiJSUzI1NiJ9.payload.signature")) == 1);
}

TEST_CASE("secrets: the value is found inside any base64 text, at any alignment", "[secrets]") {
    const std::string token = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwcyJ9.c2lnbmF0dXJl";
    const auto forms = secret_forms({token, "buildkite"});
    // A config.json printed in base64, with the token at each offset modulo 3.
    for (const std::string prefix : {"", "x", "xy", "{\"auths\":{\"r\":{\"password\":\""}) {
        const auto encoded = base64_encode(prefix + token + "\"}}}");
        CAPTURE(prefix);
        CHECK(some_form_in(forms, encoded));
    }
    // Something else encoded is left alone.
    CHECK_FALSE(some_form_in(forms, base64_encode("buildkite:another-token-of-similar-length-1234567890")));
}

TEST_CASE("secrets: texts too short to be credentials are not forms", "[secrets]") {
    CHECK(secret_forms({"pass", ""}).empty());
    for (const auto& form : secret_forms({"abcdefgh", "u"})) CHECK(form.size() >= k_min_masked_length);
}
