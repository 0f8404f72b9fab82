#include <catch2/catch.hpp>

#include <sstream>

#include "buildkite/agent.hpp"
#include "fakes.hpp"

using namespace kaniko;
using kaniko::testing::RecordingRunner;

TEST_CASE("agent: secrets and values travel on stdin, names on the command line", "[agent]") {
    RecordingRunner runner;
    runner.answer = [](const RecordingRunner::Call& call) {
        return Captured{0, call.argv[1] == "oidc" ? "header.payload.signature\n" : ""};
    };
    std::ostringstream log;
    const auto agent = make_buildkite_agent(runner, log);

    const auto token = agent->request_token("https://packages.buildkite.com/acme/images", 300);
    REQUIRE(token);
    CHECK(*token == "header.payload.signature");
    REQUIRE(agent->redact({*token, "second-form"}));
    REQUIRE(agent->annotate("<p>body</p>", AnnotationStyle::success, "kaniko-app"));
    REQUIRE(agent->set_meta_data({{"kaniko-image", "r/app@sha256:1"}}));

    REQUIRE(runner.calls.size() == 4);
    CHECK(runner.calls[0].argv == Argv{"buildkite-agent", "oidc", "request-token", "--audience",
                                       "https://packages.buildkite.com/acme/images", "--lifetime", "300"});
    CHECK(runner.calls[1].argv == Argv{"buildkite-agent", "redactor", "add", "--format", "json"});
    CHECK(runner.calls[1].input == R"({"kaniko-0":"header.payload.signature","kaniko-1":"second-form"})");
    CHECK(runner.calls[2].argv ==
          Argv{"buildkite-agent", "annotate", "--style", "success", "--context", "kaniko-app"});
    CHECK(runner.calls[2].input == "<p>body</p>");
    CHECK(runner.calls[3].argv == Argv{"buildkite-agent", "meta-data", "set", "kaniko-image"});
    CHECK(runner.calls[3].input == "r/app@sha256:1");
    CHECK(log.str().empty());
}

TEST_CASE("agent: failures say which call failed", "[agent]") {
    RecordingRunner runner;
    runner.answer = [](const RecordingRunner::Call&) { return Captured{1, ""}; };
    std::ostringstream log;
    const auto agent = make_buildkite_agent(runner, log);
    CHECK(agent->request_token("https://r", 60).error().message ==
          "buildkite-agent oidc request-token --audience https://r failed (exit 1); check that the agent may request "
          "OIDC tokens and that the audience is the registry's URL");
    CHECK(agent->set_meta_data({{"k", "v"}}).error().message == "buildkite-agent meta-data set failed (exit 1)");
    REQUIRE(agent->redact({"secret"}));
    CHECK(log.str().starts_with("kaniko: this agent cannot add secrets to its redactor"));
}

TEST_CASE("agent: an empty token is an error", "[agent]") {
    RecordingRunner runner;
    runner.answer = [](const RecordingRunner::Call&) { return Captured{0, "\n"}; };
    std::ostringstream log;
    CHECK(make_buildkite_agent(runner, log)->request_token("https://r", 60).error().message ==
          "buildkite-agent oidc request-token returned no token");
}

TEST_CASE("agent: outside Buildkite, reports are printed and tokens refused", "[agent]") {
    std::ostringstream log;
    const auto agent = make_local_agent(log);
    CHECK(agent->request_token("https://r", 60).error().message.starts_with(
        "auth: oidc needs buildkite-agent, which is not on PATH"));
    REQUIRE(agent->set_meta_data({{"kaniko-image", "r/app@sha256:1"}}));
    CHECK(log.str() == "kaniko: not running under Buildkite; meta-data kaniko-image would be r/app@sha256:1\n");
}

TEST_CASE("agent: the agent off PATH (agent-stack-k8s) is called by its path", "[agent]") {
    RecordingRunner runner;
    runner.answer = [](const RecordingRunner::Call& call) {
        return Captured{0, call.argv[1] == "oidc" ? "header.payload.signature\n" : ""};
    };
    std::ostringstream log;
    const auto agent = make_buildkite_agent(runner, log, std::string(k_kubernetes_agent));
    REQUIRE(agent->request_token("https://packages.buildkite.com/acme/images", 300));
    REQUIRE(agent->set_meta_data({{"kaniko-image", "r/app@sha256:1"}}));
    CHECK(runner.calls[0].argv.front() == "/workspace/buildkite-agent");
    CHECK(runner.calls[1].argv == Argv{"/workspace/buildkite-agent", "meta-data", "set", "kaniko-image"});
}

TEST_CASE("agent: meta-data is read with --default, so that a key no step set reads as unset", "[agent]") {
    RecordingRunner runner;
    runner.answer = [](const RecordingRunner::Call& call) {
        return Captured{0, call.argv.back() == "kaniko-digest:app:linux/amd64" ? "sha256:1\n" : ""};
    };
    std::ostringstream log;
    const auto agent = make_buildkite_agent(runner, log);
    const auto values = agent->get_meta_data(std::vector<std::string>{"kaniko-digest:app:linux/amd64",
                                                                      "kaniko-digest:app:linux/arm64"});
    REQUIRE(values);
    CHECK((*values)[0] == "sha256:1");
    CHECK_FALSE((*values)[1]);
    CHECK(runner.calls[1].argv ==
          Argv{"buildkite-agent", "meta-data", "get", "--default", "", "kaniko-digest:app:linux/arm64"});
    runner.answer = [](const RecordingRunner::Call&) { return Captured{1, ""}; };
    CHECK(agent->get_meta_data(std::vector<std::string>{"kaniko-digest:app"}).error().message ==
          "buildkite-agent meta-data get kaniko-digest:app failed (exit 1)");
}
