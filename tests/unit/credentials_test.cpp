#include <catch2/catch.hpp>

#include "fakes.hpp"
#include "registry/credentials.hpp"

using namespace kaniko;

TEST_CASE("credentials: auths matched by host as Docker does", "[credentials]") {
    constexpr auto config = R"({"auths":{
        "https://index.docker.io/v1/": {"auth": "aHViOnNlY3JldA=="},
        "http://127.0.0.1:5000/ignored/path": {"username": "u", "password": "p"},
        "ghcr.io": {"auth": "Z2g6dG9rOmVu"}}})";
    SECTION("a base64 auth field, split at the first colon") {
        const auto found = find_credentials(config, "ghcr.io");
        REQUIRE(found);
        REQUIRE(found->basic);
        CHECK(found->basic->username == "gh");
        CHECK(found->basic->password == "tok:en");
    }
    SECTION("a key with scheme and path, username and password fields") {
        const auto found = find_credentials(config, "127.0.0.1:5000");
        REQUIRE(found);
        REQUIRE(found->basic);
        CHECK(found->basic->username == "u");
        CHECK(found->basic->password == "p");
    }
    SECTION("Docker Hub under its index address") {
        const auto found = find_credentials(config, "docker.io");
        REQUIRE(found);
        REQUIRE(found->basic);
        CHECK(found->basic->username == "hub");
    }
    SECTION("no entry, no credentials") {
        const auto found = find_credentials(config, "quay.io");
        REQUIRE(found);
        CHECK_FALSE(found->basic);
        CHECK_FALSE(found->helper);
    }
}

TEST_CASE("credentials: helpers come first, the store last", "[credentials]") {
    constexpr auto config = R"({"credsStore":"desktop","credHelpers":{"123.dkr.ecr.us-east-1.amazonaws.com":"ecr-login"},
        "auths":{"123.dkr.ecr.us-east-1.amazonaws.com":{"auth":"eDp5"},"ghcr.io":{}}})";
    const auto ecr = find_credentials(config, "123.dkr.ecr.us-east-1.amazonaws.com");
    REQUIRE(ecr);
    CHECK(ecr->helper == "ecr-login");
    CHECK_FALSE(ecr->basic);
    const auto stored = find_credentials(config, "ghcr.io");
    REQUIRE(stored);
    CHECK(stored->helper == "desktop");
}

TEST_CASE("credentials: helper output and bad files", "[credentials]") {
    const auto parsed = parse_helper_output(R"({"ServerURL":"ghcr.io","Username":"AWS","Secret":"s3cr3t"})", "ecr-login");
    REQUIRE(parsed);
    CHECK(parsed->username == "AWS");
    CHECK(parsed->password == "s3cr3t");
    CHECK_FALSE(parse_helper_output("not json", "x"));
    CHECK(find_credentials("[]", "ghcr.io").error().message ==
          "the Docker config file is not a JSON object; fix or remove it");
}

TEST_CASE("credentials: the login from a Docker config, and a helper this machine lacks", "[credentials]") {
    kaniko::testing::RecordingRunner runner;
    SECTION("basic credentials need no process") {
        const auto found = login_from_docker_config(R"({"auths":{"r:5000":{"auth":"dTpw"}}})", "r:5000", runner);
        REQUIRE(found);
        REQUIRE(found->login);
        CHECK(found->login->username == "u");
        CHECK_FALSE(found->missing_helper);
        CHECK(runner.calls.empty());
    }
    SECTION("a helper that is not on PATH is named, not run") {
        const auto found =
            login_from_docker_config(R"({"credHelpers":{"r:5000":"kaniko-test-absent"}})", "r:5000", runner);
        REQUIRE(found);
        CHECK_FALSE(found->login);
        CHECK(found->missing_helper == "docker-credential-kaniko-test-absent");
        CHECK(runner.calls.empty());
    }
}
