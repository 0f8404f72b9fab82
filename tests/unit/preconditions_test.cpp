#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "app/preconditions.hpp"
#include "config/config.hpp"
#include "plan/plan.hpp"
#include "util/files.hpp"

using namespace kaniko;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    TempDir root = std::move(*TempDir::create("/tmp", "kaniko-preconditions-test-"));
    Fixture() {
        fs::create_directories(checkout());
        std::ofstream(checkout() + "/Dockerfile") << "FROM scratch\n";
    }
    std::string checkout() const { return root.path() + "/checkout"; }

    Status check(std::string_view json, std::map<std::string, std::string, std::less<>> vars = {}) const {
        vars.emplace("HOME", root.path());
        const Environment env(std::move(vars));
        const auto config = parse_config(json);
        REQUIRE(config);
        const auto plan = make_plan(*config, env, checkout());
        REQUIRE(plan);
        return check_preconditions(*plan, env);
    }
};

}  // namespace

TEST_CASE("preconditions: a registry on the loopback needs network: host", "[preconditions]") {
    Fixture f;
    const auto refused = f.check(R"({"image":"app","registry":"127.0.0.1:5000","auth":"none"})");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().exit_code == 2);
    CHECK(refused.error().message == "127.0.0.1:5000 is on the agent's loopback, which the executor's container "
                                     "cannot reach on network default; add network: host");
    CHECK(f.check(R"({"image":"app","registry":"127.0.0.1:5000","auth":"none","network":"host"})"));
    CHECK(f.check(R"({"image":"app","registry":"127.0.0.1:5000","auth":"none","executor":"local"})"));
    const auto cache = f.check(R"({"image":"app","registry":"r.example","auth":"none","network":"bridge",
        "cache-repo":"localhost:5001/cache"})");
    REQUIRE_FALSE(cache);
    CHECK(cache.error().message.starts_with("localhost:5001/cache is on the agent's loopback"));
}

TEST_CASE("preconditions: auth: docker-config needs the file, exit 2", "[preconditions]") {
    Fixture f;
    const auto missing = f.check(R"({"image":"app","registry":"r.example"})");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().exit_code == 2);
    CHECK(missing.error().message.starts_with("auth: docker-config needs a Docker config file at " + f.root.path() +
                                              "/.docker/config.json"));
}

TEST_CASE("preconditions: every secret's source exists, and a file stays out of the checkout", "[preconditions]") {
    Fixture f;
    const auto unset = f.check(R"({"image":"app","registry":"r.example","auth":"none","secrets":["NPM_TOKEN"]})");
    REQUIRE_FALSE(unset);
    CHECK(unset.error().message == "secrets[0]: \"NPM_TOKEN\" names a variable that is not set in the job "
                                   "environment; set it in the step's env or an agent hook");
    CHECK(f.check(R"({"image":"app","registry":"r.example","auth":"none","secrets":["NPM_TOKEN"]})",
                  {{"NPM_TOKEN", "s3cret-value"}}));

    const auto missing = f.check(R"({"image":"app","registry":"r.example","auth":"none",
        "secrets":[{"id":"netrc","file":"/nonexistent/netrc"}]})");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message == "secrets[0].file: \"/nonexistent/netrc\" is not a file on this agent");

    std::ofstream(f.checkout() + "/netrc") << "machine x password y\n";
    const auto inside = f.check(fmt::format(R"({{"image":"app","registry":"r.example","auth":"none",
        "secrets":[{{"id":"netrc","file":"{}/netrc"}}]}})", f.checkout()));
    REQUIRE_FALSE(inside);
    CHECK(inside.error().message.ends_with("is inside the checkout, where the build context would carry it into the "
                                           "image; keep it outside the checkout"));
    // Through a link from outside, it is still inside.
    fs::create_symlink(f.checkout() + "/netrc", f.root.path() + "/link");
    CHECK_FALSE(f.check(fmt::format(R"({{"image":"app","registry":"r.example","auth":"none",
        "secrets":[{{"id":"netrc","file":"{}/link"}}]}})", f.root.path())));
    std::ofstream(f.root.path() + "/outside") << "token\n";
    CHECK(f.check(fmt::format(R"({{"image":"app","registry":"r.example","auth":"none",
        "secrets":[{{"id":"netrc","file":"{}/outside"}}]}})", f.root.path())));
}

TEST_CASE("preconditions: the Dockerfile must be in the checkout", "[preconditions]") {
    Fixture f;
    const auto missing = f.check(R"({"image":"app","registry":"r.example","auth":"none","dockerfile":"Nope"})");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().exit_code == 2);
    CHECK(missing.error().message.starts_with("dockerfile: \"Nope\" does not exist in the checkout"));
}
