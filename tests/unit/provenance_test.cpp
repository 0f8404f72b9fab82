#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "json_checks.hpp"
#include "sigstore/provenance.hpp"

using namespace kaniko;
using kaniko::testing::as_json;
namespace json = boost::json;

namespace {

Environment job_env(std::map<std::string, std::string, std::less<>> extra = {}) {
    std::map<std::string, std::string, std::less<>> variables{
        {"BUILDKITE_ORGANIZATION_SLUG", "acme"}, {"BUILDKITE_PIPELINE_SLUG", "app"},
        {"BUILDKITE_BUILD_NUMBER", "42"},        {"BUILDKITE_JOB_ID", "0190-job"},
        {"BUILDKITE_REPO", "https://github.com/acme/app.git"},
        {"BUILDKITE_BRANCH", "main"},            {"BUILDKITE_COMMIT", "0123abcd"},
        {"BUILDKITE_STEP_KEY", "image"},         {"BUILDKITE_COMMAND", ""},
        {"BUILDKITE_TAG", ""}};
    for (auto& [name, value] : extra) variables[name] = value;
    return Environment(std::move(variables));
}

json::object statement_for(ProvenanceFacts facts) {
    facts.subject = "registry.example/acme/app";
    facts.digest = "sha256:" + std::string(64, 'b');
    facts.configuration = R"({"image":"app","sign":true})";
    facts.dockerfile = "docker/Dockerfile";
    facts.builder_version = "0.2.0";
    facts.started_on = "2026-12-04T03:00:00Z";
    facts.finished_on = "2026-12-04T03:01:00Z";
    return json::parse(provenance_statement(facts)).as_object();
}

}  // namespace

TEST_CASE("provenance: an in-toto statement about the image by digest, in Buildkite's job build type", "[sigstore]") {
    auto facts = job_provenance_facts(job_env());
    facts.base_images = {{"registry.example/base/busybox:1", "sha256:" + std::string(64, 'c')},
                         {"docker.io/library/alpine:3", ""}};
    const auto statement = statement_for(facts);
    CHECK(statement.at("_type") == "https://in-toto.io/Statement/v1");
    CHECK(statement.at("predicateType") == "https://slsa.dev/provenance/v1");
    const auto& subject = statement.at("subject").as_array().at(0);
    CHECK(subject.at("name") == "registry.example/acme/app");
    CHECK(subject.at("digest").at("sha256") == as_json(std::string(64, 'b')));

    const auto& definition = statement.at("predicate").at("buildDefinition").as_object();
    CHECK(definition.at("buildType") == "https://buildkite.github.io/slsa-buildtypes/job/v1");
    const auto& external = definition.at("externalParameters").as_object();
    CHECK(external.at("pipeline") == "https://buildkite.com/acme/app");
    CHECK(external.at("repository") == "https://github.com/acme/app.git");
    CHECK(external.at("build").at("branch") == "main");
    CHECK(external.at("build").at("tag").is_null());
    CHECK(external.at("build").at("commit") == "0123abcd");
    CHECK(external.at("step").at("key") == "image");
    CHECK(external.at("step").at("command").is_null());  // a plugin-only step has none
    CHECK(external.at("plugin").at("configuration").at("sign") == true);
    CHECK(external.at("plugin").at("dockerfile") == "docker/Dockerfile");

    const auto& dependencies = definition.at("resolvedDependencies").as_array();
    REQUIRE(dependencies.size() == 3);
    CHECK(dependencies[0].at("uri") == as_json("git+https://github.com/acme/app.git@refs/heads/main"));
    CHECK(dependencies[0].at("digest").at("gitCommit") == "0123abcd");
    CHECK(dependencies[1].at("uri") == "docker://registry.example/base/busybox:1");
    CHECK(dependencies[1].at("digest").at("sha256") == as_json(std::string(64, 'c')));
    CHECK(dependencies[2].at("uri") == "docker://docker.io/library/alpine:3");
    CHECK_FALSE(dependencies[2].as_object().contains("digest"));

    const auto& run = statement.at("predicate").at("runDetails").as_object();
    CHECK(run.at("builder").at("id") ==
          "https://github.com/kaniko-buildkite-plugin/kaniko-buildkite-plugin@refs/tags/v0.2.0");
    CHECK(run.at("metadata").at("invocationId") == "https://buildkite.com/acme/app/builds/42#0190-job");
    CHECK(run.at("metadata").at("startedOn") == "2026-12-04T03:00:00Z");
}

TEST_CASE("provenance: a tag build refers to the tag, and the IDs go into internal parameters", "[sigstore]") {
    const auto statement = statement_for(job_provenance_facts(job_env(
        {{"BUILDKITE_TAG", "v1.2.0"}, {"BUILDKITE_ORGANIZATION_ID", "org-uuid"}, {"BUILDKITE_COMMAND", "make"}})));
    const auto& definition = statement.at("predicate").at("buildDefinition").as_object();
    CHECK(definition.at("externalParameters").at("build").at("tag") == "v1.2.0");
    CHECK(definition.at("externalParameters").at("step").at("command") == "make");
    CHECK(definition.at("resolvedDependencies").as_array()[0].at("uri") ==
          as_json("git+https://github.com/acme/app.git@refs/tags/v1.2.0"));
    CHECK(definition.at("internalParameters").at("buildkite").at("organization_id") == "org-uuid");
    CHECK_FALSE(definition.at("internalParameters").at("buildkite").as_object().contains("pipeline_id"));
}

TEST_CASE("provenance: the base images Kaniko names as it pulls them, once each", "[sigstore]") {
    const std::vector<std::string> lines{
        "\x1b[36mINFO\x1b[0m[2026-12-03T13:28:08Z] Retrieving image manifest registry.test:5000/base/busybox:1 ",
        "\x1b[36mINFO\x1b[0m[2026-12-03T13:28:08Z] Retrieving image registry.test:5000/base/busybox:1 from registry "
        "registry.test:5000 ",
        "INFO[0001] Retrieving image golang:1.23 from registry index.docker.io",
        "INFO[0002] Retrieving image registry.test:5000/base/busybox:1 from registry registry.test:5000",
        "Retrieving image evil from registry a RUN printed",
        "INFO[0003] Retrieving image manifest golang:1.23",
    };
    CHECK(base_images_in_log(lines) == std::vector<std::string>{"registry.test:5000/base/busybox:1", "golang:1.23"});
}

TEST_CASE("provenance: the base-image lines are found however the output is cut", "[sigstore]") {
    const std::string output = "INFO[0000] starting\nINFO[0000] Retrieving image a/b:1 from registry a\n"
                               "INFO[0001] Retrieving image c/d:2 from registry c";
    for (std::size_t cut = 1; cut < output.size(); ++cut) {
        BaseImageLog log;
        log.feed(output.substr(0, cut));
        log.feed(output.substr(cut));
        CHECK(log.images() == std::vector<std::string>{"a/b:1", "c/d:2"});
    }
}
