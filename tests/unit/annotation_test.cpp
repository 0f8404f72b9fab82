#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "annotation/annotation.hpp"

using namespace kaniko;

namespace {
const std::string k_digest = "sha256:" + std::string(64, 'c');

FailureReport failure(std::vector<std::string> tail, int exit_code = 1) {
    auto kaniko = read_kaniko_failure(tail);
    return {"packages.buildkite.com/acme/images/app", {"packages.buildkite.com/acme/images/app:v1"}, exit_code,
            std::move(tail), std::move(kaniko), Auth::oidc, "https://packages.buildkite.com/acme/images",
            "gcr.io/kaniko-project/executor:v1.24.0", std::chrono::seconds(75)};
}

// A line as Kaniko logs it, colours included.
std::string info(std::string_view message) {
    return fmt::format("\x1b[36mINFO\x1b[0m[2026-12-01T10:00:00Z] {:<44} ", message);
}
}  // namespace

TEST_CASE("annotation: success shows image, tags, digest, pull command and time", "[annotation]") {
    const auto body = success_annotation({"r.example/app", {"r.example/app:v1", "r.example/app:latest"}, k_digest, true,
                                          std::chrono::seconds(83)});
    CHECK(body == "<h4>:kaniko: Pushed <code>r.example/app</code> in 1m 23s</h4>\n"
                  "<p>Tags:</p><ul><li><code>r.example/app:v1</code></li><li><code>r.example/app:latest</code></li></ul>\n"
                  "<p>Digest: <code>" + k_digest + "</code></p>\n"
                  "<pre><code>docker pull r.example/app@" + k_digest + "</code></pre>\n");
}

TEST_CASE("annotation: a build that was not pushed offers no pull command", "[annotation]") {
    const auto body = success_annotation({"r.example/app", {"r.example/app:v1"}, k_digest, false, std::chrono::seconds(5)});
    CHECK(body.find("Built <code>r.example/app</code> in 5s") != std::string::npos);
    CHECK(body.find("docker pull") == std::string::npos);
}

TEST_CASE("annotation: failure shows the exit code and the escaped tail", "[annotation]") {
    const auto body = failure_annotation(failure({"step 3/4 : RUN make", "error: <missing> & gone"}, 3));
    CHECK(body == "<h4>:kaniko: Building <code>packages.buildkite.com/acme/images/app</code> failed with exit code 3 "
                  "after 1m 15s</h4>\n"
                  "<p>Last lines of the executor's output:</p>\n"
                  "<pre><code>step 3/4 : RUN make\nerror: &lt;missing&gt; &amp; gone\n</code></pre>\n");
}

TEST_CASE("annotation: a failed RUN leads, with its stage, exit status and own output", "[annotation]") {
    const auto body = failure_annotation(failure(
        {info("Retrieving image manifest base.example/tools:2"), info("Returning cached image manifest"),
         info("Building stage 'base.example/tools:2' [idx: '1', base-idx: '-1']"),
         info("RUN make <all>"), info("Cmd: /bin/sh"), info("Args: [-c make <all>]"),
         info("Running: [/bin/sh -c make <all>]"), "cc -o app main.c", info("Taking snapshot of full filesystem..."),
         "main.c:3: error: & missing",
         "error building image: error building stage: failed to execute command: waiting for process to exit: exit "
         "status 2"},
        1));
    CHECK(body == "<h4>:kaniko: Building <code>packages.buildkite.com/acme/images/app</code> failed with exit code 1 "
                  "after 1m 15s</h4>\n"
                  "<p><code>RUN make &lt;all&gt;</code> in stage 1 (FROM base.example/tools:2) failed with exit status "
                  "2.</p>\n"
                  "<p>Its output:</p>\n<pre><code>cc -o app main.c\nmain.c:3: error: &amp; missing\n</code></pre>\n"
                  "<pre><code>error building image: error building stage: failed to execute command: waiting for "
                  "process to exit: exit status 2\n</code></pre>\n");
    CHECK(body.find("Retrieving image manifest") == std::string::npos);
}

TEST_CASE("annotation: a failure outside a RUN shows Kaniko's error line and the hint", "[annotation]") {
    const auto body = failure_annotation(failure(
        {info("Building stage 'base.example/tools:2' [idx: '0', base-idx: '-1']"), info("RUN true"),
         info("Running: [/bin/sh -c true]"), info("Pushing image to r.example/app:v1"),
         "error building image: error pushing image: failed to push to destination r.example/app:v1: UNAUTHORIZED: "
         "authentication required"}));
    CHECK(body.find("failed with exit status") == std::string::npos);
    CHECK(body.find("<p>The registry refused the credentials (401/403).") != std::string::npos);
    CHECK(body.ends_with("<pre><code>error building image: error pushing image: failed to push to destination "
                         "r.example/app:v1: UNAUTHORIZED: authentication required\n</code></pre>\n"));
    CHECK(body.find("Pushing image") == std::string::npos);
}

TEST_CASE("annotation: hints for the recipe's known failures", "[annotation]") {
    SECTION("a rejected audience") {
        const auto hint = failure_hint(failure({"error: Invalid 'aud' claim"}));
        REQUIRE(hint);
        CHECK(hint->starts_with("The registry rejected the token's audience `https://packages.buildkite.com/acme/images`"));
    }
    SECTION("401 with OIDC points at the audience and the policy") {
        const auto hint = failure_hint(failure({"POST https://packages.buildkite.com/v2/x/blobs/uploads/: UNAUTHORIZED"}));
        REQUIRE(hint);
        CHECK(hint->find("must be exactly `https://packages.buildkite.com/acme/images`") != std::string::npos);
    }
    SECTION("403 with a Docker config points at docker login") {
        auto report = failure({"unexpected status code 403 Forbidden"});
        report.auth = Auth::docker_config;
        const auto hint = failure_hint(report);
        REQUIRE(hint);
        CHECK(hint->find("docker login") != std::string::npos);
    }
    SECTION("an executor image that cannot be pulled") {
        const auto hint = failure_hint(failure({"Unable to find image 'gcr.io/kaniko-project/executor:v1.24.0' locally"}, 125));
        REQUIRE(hint);
        CHECK(hint->find("KANIKO_IMAGE") != std::string::npos);
    }
    SECTION("no hint for an ordinary failing RUN step") {
        CHECK_FALSE(failure_hint(failure({"RUN npm test", "1 test failed"})));
    }
}

TEST_CASE("annotation: hints are plain text for the log, and code in the annotation", "[annotation]") {
    auto report = failure({"unexpected status code 403 Forbidden"});
    report.auth = Auth::docker_config;
    const auto hint = failure_hint(report);
    REQUIRE(hint);
    CHECK(hint->find('<') == std::string::npos);
    CHECK(*hint == "The registry refused the credentials (401/403). Check the agent's Docker config (`docker login` or "
                   "a credential helper) for this registry.");
    CHECK(failure_annotation(report).find("<p>The registry refused the credentials (401/403). Check the agent's Docker "
                                          "config (<code>docker login</code> or a credential helper) for this "
                                          "registry.</p>") != std::string::npos);
}

TEST_CASE("annotation: Kaniko's colours stay out of the annotation", "[annotation]") {
    CHECK(strip_terminal_escapes("\x1b[36mINFO\x1b[0m[2026-11-27T07:00:00Z] Retrieving image manifest alpine") ==
          "INFO[2026-11-27T07:00:00Z] Retrieving image manifest alpine");
    CHECK(strip_terminal_escapes("\x1b]0;title\x07plain \x1b(Bx\x1b[1;31mred\x1b[m") == "plain xred");
    CHECK(strip_terminal_escapes("cut at the end \x1b[3") == "cut at the end ");
    CHECK(strip_terminal_escapes("no escapes at all") == "no escapes at all");
    const auto body = failure_annotation(failure({"\x1b[31mERRO\x1b[0m build failed"}));
    CHECK(body.find("ERRO build failed") != std::string::npos);
    CHECK(body.find('\x1b') == std::string::npos);
}

TEST_CASE("annotation: durations", "[annotation]") {
    CHECK(format_duration(std::chrono::seconds(0)) == "0s");
    CHECK(format_duration(std::chrono::seconds(60)) == "1m 00s");
    CHECK(format_duration(std::chrono::seconds(3725)) == "1h 02m");
}

TEST_CASE("annotation: a refusal before the build explains what to fix for each auth mode", "[annotation]") {
    RefusalReport report{"GET https://packages.buildkite.com/v2/ answered 401", Auth::oidc,
                         "https://packages.buildkite.com/acme/images", "packages.buildkite.com"};
    CHECK(refusal_advice(report) ==
          "The OIDC audience must be exactly https://packages.buildkite.com/acme/images (the registry's URL), and the "
          "registry's OIDC policy must allow this pipeline.");
    report.auth = Auth::docker_config;
    CHECK(refusal_advice(report) ==
          "Check the agent's Docker config for packages.buildkite.com (docker login, or its credential helper).");
    report.auth = Auth::none;
    CHECK(refusal_advice(report) == "The registry wants credentials: use auth: oidc or auth: docker-config.");
}

TEST_CASE("annotation: a skipped build says so", "[annotation]") {
    SuccessReport report{"r.example/app", {"r.example/app:v1"}, k_digest, true, std::chrono::seconds(2)};
    report.skipped = true;
    const auto body = success_annotation(report);
    CHECK(body.find("<h4>:kaniko: Found <code>r.example/app</code> in 2s</h4>") != std::string::npos);
    CHECK(body.find("the build was skipped (skip-if-exists)") != std::string::npos);
}

TEST_CASE("annotation: the helper's own failures carry their message, escaped", "[annotation]") {
    CHECK(error_annotation("r.example/app", "verification: r.example/app:v1 points to <x>", std::chrono::seconds(61)) ==
          "<h4>:kaniko: Building <code>r.example/app</code> failed after 1m 01s</h4>\n"
          "<p>verification: r.example/app:v1 points to &lt;x&gt;</p>\n");
}

TEST_CASE("annotation: a signed image shows the cosign commands that verify it", "[annotation][sigstore]") {
    SuccessReport report{"r.example/app", {"r.example/app:v1"}, k_digest, true, std::chrono::seconds(5)};
    report.signed_image = SignedImage{"https://buildkite.com/acme/app", "https://agent.buildkite.com",
                                      "r.example/app:sha256-x.sig", "r.example/app:sha256-x.att", true};
    const auto body = success_annotation(report);
    CHECK(body.find("Signed with this job's identity <code>https://buildkite.com/acme/app</code>, recorded in the "
                    "transparency log: <code>r.example/app:sha256-x.sig</code>") != std::string::npos);
    CHECK(body.find("<pre><code>cosign verify --certificate-identity https://buildkite.com/acme/app "
                    "--certificate-oidc-issuer https://agent.buildkite.com r.example/app@" + k_digest + "</code></pre>") !=
          std::string::npos);
    CHECK(body.find("<pre><code>cosign verify-attestation --type slsaprovenance1 --certificate-identity") !=
          std::string::npos);
    CHECK(success_annotation({"r.example/app", {"r.example/app:v1"}, k_digest, true, {}}).find("cosign") ==
          std::string::npos);
}

TEST_CASE("annotation: without a transparency log, cosign is told not to look for it", "[annotation][sigstore]") {
    const SignedImage signed_image{"https://buildkite.com/acme/my app", "http://127.0.0.1:5556", "r/app:sha256-x.sig", {}, false};
    CHECK(verify_command(signed_image, "r/app@sha256:1", false) ==
          "cosign verify --certificate-identity 'https://buildkite.com/acme/my app' --certificate-oidc-issuer "
          "http://127.0.0.1:5556 --insecure-ignore-tlog r/app@sha256:1");
}
