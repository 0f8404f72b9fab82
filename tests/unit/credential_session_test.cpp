#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "app/credential_session.hpp"
#include "config/config.hpp"
#include "fakes.hpp"
#include "plan/plan.hpp"
#include "util/files.hpp"
#include "util/log_relay.hpp"

using namespace kaniko;
using kaniko::testing::FakeAgent;
using kaniko::testing::RecordingRunner;
using kaniko::testing::ScriptedHttp;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    TempDir root = std::move(*TempDir::create("/tmp", "kaniko-session-test-"));
    RecordingRunner runner;
    FakeAgent agent;
    ScriptedHttp http;
    std::ostringstream log;
    std::string relayed;
    LogRelay relay{[this](std::string_view text) { relayed += text; }};
    Environment env{std::map<std::string, std::string, std::less<>>{{"BUILDKITE_JOB_ID", "job-1"}}};

    Fixture() { fs::create_directories(private_dir()); }
    std::string private_dir() const { return root.path() + "/private"; }
    std::string kaniko_docker() const { return root.path() + "/kaniko/.docker"; }
    BuildEnvironment edges() { return {env, runner, agent, http, log, root.path(), root.path(), ""}; }

    BuildPlan plan(ExecutorKind kind) const {
        BuildPlan plan;
        plan.registry = "packages.buildkite.com/acme/images";
        plan.auth = Auth::oidc;
        plan.oidc_audience = "https://packages.buildkite.com/acme/images";
        plan.executor = kind;
        plan.local_docker_config_dir = kaniko_docker();
        return plan;
    }
};

std::string mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return fmt::format("{:o}", st.st_mode & 0777);
}

}  // namespace

TEST_CASE("credential session: for docker run, config.json in a private directory to mount", "[credential_session]") {
    Fixture f;
    const auto plan = f.plan(ExecutorKind::docker);
    const auto edges = f.edges();
    auto session = CredentialSession::open(plan, edges, f.relay, f.private_dir());
    REQUIRE(session);
    REQUIRE((*session)->mount_dir() == f.private_dir() + "/docker");
    const auto config = read_text_file(f.private_dir() + "/docker/config.json");
    REQUIRE(config);
    CHECK(config->find(f.agent.tokens.back()) != std::string::npos);
    CHECK(mode_of(f.private_dir() + "/docker/config.json") == "600");
    CHECK((*session)->registry_login()->password == f.agent.tokens.back());
    CHECK_FALSE(fs::exists(f.kaniko_docker()));
}

TEST_CASE("credential session: for the local executor, DOCKER_CONFIG's config.json, put back afterwards",
          "[credential_session]") {
    Fixture f;
    const auto plan = f.plan(ExecutorKind::local);
    const auto edges = f.edges();
    const auto config_path = f.kaniko_docker() + "/config.json";

    SECTION("none there before: written 0600, then removed") {
        {
            auto session = CredentialSession::open(plan, edges, f.relay, f.private_dir());
            REQUIRE(session);
            CHECK_FALSE((*session)->mount_dir());
            CHECK(read_text_file(config_path)->find(f.agent.tokens.back()) != std::string::npos);
            CHECK(mode_of(config_path) == "600");
        }
        CHECK_FALSE(fs::exists(config_path));
        CHECK(f.log.str().find("requesting an OIDC token") != std::string::npos);
    }
    SECTION("the image's own config: the login is added beside its credential helpers, and the file put back") {
        fs::create_directories(f.kaniko_docker());
        const std::string original = R"({"credHelpers":{"123.dkr.ecr.us-east-1.amazonaws.com":"ecr-login"}})";
        std::ofstream(config_path) << original;
        {
            auto session = CredentialSession::open(plan, edges, f.relay, f.private_dir());
            REQUIRE(session);
            const auto merged = *read_text_file(config_path);
            CHECK(merged.find("ecr-login") != std::string::npos);
            CHECK(merged.find(f.agent.tokens.back()) != std::string::npos);
            // What a killed build would leave pre-exit to put back.
            CHECK(read_text_file(f.private_dir() + "/docker-config-original") == original);
        }
        CHECK(read_text_file(config_path) == original);
    }
    SECTION("a config that is not JSON is named, and left as it was") {
        fs::create_directories(f.kaniko_docker());
        std::ofstream(config_path) << "not json";
        {
            auto session = CredentialSession::open(plan, edges, f.relay, f.private_dir());
            REQUIRE_FALSE(session);
            CHECK(session.error().message.starts_with("the executor's Docker config.json is not a JSON object"));
        }
        CHECK(read_text_file(config_path) == "not json");
    }
}

TEST_CASE("credential session: pre-exit puts back what a killed local build wrote", "[credential_session]") {
    Fixture f;
    const auto plan = f.plan(ExecutorKind::local);
    const auto edges = f.edges();
    const auto config_path = f.kaniko_docker() + "/config.json";
    fs::create_directories(f.kaniko_docker());
    std::ofstream(config_path) << R"({"auths":{}})";
    auto session = CredentialSession::open(plan, edges, f.relay, f.private_dir());
    REQUIRE(session);
    REQUIRE(read_text_file(config_path)->find(f.agent.tokens.back()) != std::string::npos);

    // As after SIGKILL: the session never closes; pre-exit reads what the build recorded.
    std::ostringstream log;
    put_back_docker_config(f.private_dir(), log);
    CHECK(read_text_file(config_path) == R"({"auths":{}})");
    CHECK(log.str() == fmt::format("kaniko: put back {}\n", config_path));
}

TEST_CASE("credential session: docker-config for the local executor is read where it is, never copied",
          "[credential_session]") {
    Fixture f;
    auto plan = f.plan(ExecutorKind::local);
    plan.auth = Auth::docker_config;
    plan.push = false;
    fs::create_directories(f.kaniko_docker());
    const std::string mounted = R"({"auths":{"ghcr.io":{"auth":"dXNlcjpzM2NyZXQtcGFzc3dvcmQ="}}})";
    std::ofstream(f.kaniko_docker() + "/config.json") << mounted;
    plan.docker_config_source = f.kaniko_docker() + "/config.json";
    const auto edges = f.edges();
    {
        auto session = CredentialSession::open(plan, edges, f.relay, f.private_dir());
        REQUIRE(session);
        CHECK_FALSE((*session)->mount_dir());
        CHECK(fs::is_empty(f.private_dir()));
        // Its password is masked like a token.
        CHECK(std::find(f.agent.redacted.begin(), f.agent.redacted.end(), "s3cret-password") != f.agent.redacted.end());
    }
    CHECK(read_text_file(f.kaniko_docker() + "/config.json") == mounted);
}

TEST_CASE("credential session: a cancel withdraws the credentials at once", "[credential_session]") {
    Fixture f;
    SECTION("docker run: the mounted config.json goes while the container still runs") {
        const auto plan = f.plan(ExecutorKind::docker);
        const auto edges = f.edges();
        auto session = CredentialSession::open(plan, edges, f.relay, f.private_dir());
        REQUIRE(session);
        REQUIRE(fs::exists(f.private_dir() + "/docker/config.json"));
        (*session)->withdraw();
        CHECK_FALSE(fs::exists(f.private_dir() + "/docker/config.json"));
        CHECK(f.log.str().ends_with("kaniko: cancelled: the executor's credentials are removed\n"));
    }
    SECTION("local: the image's own config.json is put back byte for byte") {
        const auto plan = f.plan(ExecutorKind::local);
        const auto edges = f.edges();
        const auto config_path = f.kaniko_docker() + "/config.json";
        fs::create_directories(f.kaniko_docker());
        const std::string original = "{\"credHelpers\":{\"gcr.io\":\"gcr\"}}\n\n";
        std::ofstream(config_path) << original;
        auto session = CredentialSession::open(plan, edges, f.relay, f.private_dir());
        REQUIRE(session);
        (*session)->withdraw();
        CHECK(read_text_file(config_path) == original);
        CHECK(f.log.str().ends_with(fmt::format("removed; {} is as it was\n", config_path)));
    }
}
