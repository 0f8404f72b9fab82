#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/exists.hpp"
#include "fakes.hpp"
#include "util/files.hpp"

using namespace kaniko;
using kaniko::testing::RecordingRunner;
using kaniko::testing::ScriptedHttp;

namespace {

struct Fixture {
    TempDir dir = std::move(*TempDir::create("/tmp", "kaniko-exists-test-"));
    RecordingRunner runner;
    ScriptedHttp http;
    std::ostringstream out;

    Expected<int> exists(std::vector<std::string> args, const std::string& docker_config = "{}") {
        std::ofstream(dir.path() + "/config.json") << docker_config;
        const Environment env(std::map<std::string, std::string, std::less<>>{{"DOCKER_CONFIG", dir.path()}});
        return run_exists(args, env, runner, http, out);
    }
};

const std::string k_digest = "sha256:" + std::string(64, 'b');

}  // namespace

TEST_CASE("exists: the digest on stdout and 0, or 1 when the registry has no such tag", "[exists]") {
    Fixture f;
    f.http.answers = {HttpResponse{200, {{"docker-content-digest", k_digest}}, {}}, HttpResponse{404, {}, {}}};
    const auto found = f.exists({"--ca-file", "/ca.pem", "r.example:5000/team/app:v1"},
                                R"({"auths":{"r.example:5000":{"auth":"dTpw"}}})");
    REQUIRE(found);
    CHECK(*found == 0);
    CHECK(f.out.str() == k_digest + "\n");
    CHECK(f.http.requests[0].url == "https://r.example:5000/v2/team/app/manifests/v1");
    CHECK(f.http.requests[0].ca_file == "/ca.pem");
    CHECK(f.http.requests[0].basic->username == "u");

    const auto missing = f.exists({"--insecure", "r.example:5000/team/app@" + k_digest});
    REQUIRE(missing);
    CHECK(*missing == 1);
    CHECK(f.http.requests[1].url == "http://r.example:5000/v2/team/app/manifests/" + k_digest);
}

TEST_CASE("exists: usage errors and a credential helper that is not installed", "[exists]") {
    Fixture f;
    CHECK(f.exists({}).error().message ==
          "usage: kaniko-buildkite-helper exists [--docker-config FILE] [--ca-file FILE] [--insecure] [--verbose] REF");
    CHECK(f.exists({"--bogus", "app"}).error().exit_code == k_exit_invalid_config);
    CHECK(f.exists({"Not A Ref"}).error().message.starts_with("\"Not A Ref\" is not an image reference"));
    const auto helper = f.exists({"ghcr.io/acme/app:v1"}, R"({"credHelpers":{"ghcr.io":"kaniko-test-absent"}})");
    REQUIRE_FALSE(helper);
    CHECK(helper.error().message == f.dir.path() + "/config.json names docker-credential-kaniko-test-absent for "
                                                   "ghcr.io, and it is not on PATH");
    CHECK(f.http.requests.empty());
}
