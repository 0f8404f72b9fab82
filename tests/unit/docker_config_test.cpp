#include <catch2/catch.hpp>

#include "plan/docker_config.hpp"

using namespace kaniko;

TEST_CASE("docker config: one login keyed by host, readable by Docker, Kaniko and skopeo", "[docker_config]") {
    CHECK(render_docker_config("packages.buildkite.com", "buildkite", "tok.en") ==
          R"({"auths":{"packages.buildkite.com":{"username":"buildkite","password":"tok.en","auth":"YnVpbGRraXRlOnRvay5lbg=="}}})"
          "\n");
}

TEST_CASE("docker config: a password with JSON metacharacters stays valid JSON", "[docker_config]") {
    const auto text = render_docker_config("r:5000", "u", "a\"b\\c");
    CHECK(text.find(R"("password":"a\"b\\c")") != std::string::npos);
}
