#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/build_secrets.hpp"
#include "fakes.hpp"
#include "plan/plan.hpp"
#include "util/files.hpp"
#include "util/log_relay.hpp"

using namespace kaniko;
using kaniko::testing::FakeAgent;
using kaniko::testing::RecordingRunner;
using kaniko::testing::ScriptedHttp;

TEST_CASE("build secrets: env values go to private files, every value masked first", "[build_secrets]") {
    auto root = TempDir::create("/tmp", "kaniko-secrets-test-");
    REQUIRE(root);
    std::ofstream(root->path() + "/netrc") << "machine registry login ci password netrc-s3cret\n\nsecond-line-value\n";
    const Environment env(std::map<std::string, std::string, std::less<>>{{"NPM_TOKEN", "npm-s3cret-value"}});
    RecordingRunner runner;
    FakeAgent agent;
    ScriptedHttp http;
    std::ostringstream log;
    std::string relayed;
    LogRelay relay([&](std::string_view text) { relayed += text; });
    BuildPlan plan;
    plan.secrets = {{"npm", BuildSecret::Source::env, "NPM_TOKEN"}, {"netrc", BuildSecret::Source::file, root->path() + "/netrc"}};
    const BuildEnvironment edges{env, runner, agent, http, log, root->path(), root->path(), ""};

    const auto dir = prepare_build_secrets(plan, edges, relay, root->path());
    REQUIRE(dir);
    CHECK(*dir == root->path() + "/secrets");
    CHECK(read_text_file(*dir + "/npm") == "npm-s3cret-value");
    struct stat st {};
    REQUIRE(::stat((*dir + "/npm").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat(dir->c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    CHECK_FALSE(std::filesystem::exists(*dir + "/netrc"));  // a file secret is used where it is

    const auto redacted = [&](const std::string& value) {
        return std::find(agent.redacted.begin(), agent.redacted.end(), value) != agent.redacted.end();
    };
    CHECK(redacted("npm-s3cret-value"));
    CHECK(redacted("machine registry login ci password netrc-s3cret"));
    CHECK(redacted("second-line-value"));
    relay.feed("got npm-s3cret-value and second-line-value\n");
    relay.finish();
    CHECK(relayed == "got [REDACTED] and [REDACTED]\n");
}
