#include <catch2/catch.hpp>

#include "fakes.hpp"
#include "sigstore/service.hpp"

using namespace kaniko;
using kaniko::testing::ScriptedHttp;

TEST_CASE("service: a JSON POST, answered whatever its status", "[sigstore]") {
    ScriptedHttp http;
    http.answers = {HttpResponse{400, {}, R"({"code":400})"}};
    const auto answer = post_json(http, "https://rekor.example/api/v1/log/entries", R"({"kind":"dsse"})");
    REQUIRE(answer);
    CHECK(answer->status == 400);
    REQUIRE(http.requests.size() == 1);
    const auto& request = http.requests[0];
    CHECK(request.method == "POST");
    CHECK(request.url == "https://rekor.example/api/v1/log/entries");
    CHECK(request.body == R"({"kind":"dsse"})");
    CHECK(request.headers ==
          std::vector<std::string>{"Content-Type: application/json", "Accept: application/json", "Expect:"});
}

TEST_CASE("service: an error's message, or the start of a body that has none, on one line", "[sigstore]") {
    CHECK(service_message(R"({"code":16,"message":"There was an error\nprocessing the identity token"})") ==
          "\"There was an error processing the identity token\"");
    CHECK(service_message("<html>\nBad Gateway</html>") == "\"<html> Bad Gateway</html>\"");
    CHECK(service_message(R"({"code":500})") == R"("{\"code\":500}")");
    CHECK(service_message(std::string(1000, 'x')).size() < 400);
}
