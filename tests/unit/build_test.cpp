#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "app/build.hpp"
#include "buildkite/oidc.hpp"
#include "certificates.hpp"
#include "buildkite/agent.hpp"
#include "fakes.hpp"
#include "registry/index.hpp"
#include "util/sha256.hpp"
#include "util/base64.hpp"
#include "util/files.hpp"

using namespace kaniko;
using kaniko::testing::FakeAgent;
using kaniko::testing::RecordingRunner;
using kaniko::testing::ScriptedHttp;
namespace fs = std::filesystem;

namespace {

const std::string k_digest = "sha256:" + std::string(64, 'e');

HttpResponse respond(long status, std::multimap<std::string, std::string> headers = {}) {
    return HttpResponse{status, std::move(headers), {}};
}

struct Fixture {
    TempDir root = std::move(*TempDir::create("/tmp", "kaniko-build-test-"));
    RecordingRunner runner;
    FakeAgent agent;
    ScriptedHttp http;
    std::ostringstream log;

    Fixture() {
        fs::create_directories(checkout());
        fs::create_directories(temp());
        std::ofstream(checkout() + "/Dockerfile") << "FROM scratch\n";
        // The executor "writes" its digest file, as Kaniko does.
        runner.on_stream = [](const Argv& argv) {
            for (const auto& arg : argv) {
                if (arg.ends_with(":/kaniko/output")) {
                    std::ofstream(arg.substr(0, arg.size() - std::string_view(":/kaniko/output").size()) + "/digest")
                        << k_digest;
                }
            }
        };
    }
    std::string checkout() const { return root.path() + "/checkout"; }
    std::string temp() const { return root.path() + "/tmp"; }

    Expected<int> build(const std::string& config) {
        const Environment env(std::map<std::string, std::string, std::less<>>{
            {"BUILDKITE_PLUGIN_CONFIGURATION", config},
            {"BUILDKITE_ORGANIZATION_SLUG", "acme"},
            {"BUILDKITE_JOB_ID", "job-1"},
        });
        return run_build({env, runner, agent, http, log, checkout(), temp(), "TLS trusts the test's CA bundle"});
    }

    bool executor_ran() const {
        return std::any_of(runner.calls.begin(), runner.calls.end(),
                           [](const auto& call) { return call.argv.size() > 1 && call.argv[1] == "run"; });
    }
    bool temp_is_empty() const { return fs::is_empty(temp()); }
};

constexpr auto k_config = R"({"image":"app","package-registry":"images","tags":["v1","v2"]})";

}  // namespace

TEST_CASE("build: pre-flight, executor, verification, report, in that order", "[build]") {
    Fixture f;
    f.http.answers = {respond(200), respond(200, {{"docker-content-digest", k_digest}}),
                      respond(200, {{"docker-content-digest", k_digest}})};
    const auto code = f.build(k_config);
    REQUIRE(code);
    CHECK(*code == 0);
    REQUIRE(f.http.requests.size() == 3);
    CHECK(f.http.requests[0].url == "https://packages.buildkite.com/v2/");
    CHECK(f.http.requests[0].basic->username == "buildkite");
    CHECK(f.http.requests[1].url == "https://packages.buildkite.com/v2/acme/images/app/manifests/v1");
    CHECK(f.http.requests[2].url == "https://packages.buildkite.com/v2/acme/images/app/manifests/v2");
    CHECK(f.executor_ran());
    CHECK(f.agent.meta_data["kaniko-digest:app"] == k_digest);
    CHECK(f.agent.annotations.at(0).starts_with("success: "));
    CHECK(f.temp_is_empty());
}

TEST_CASE("build: what TLS trusts is said at Kaniko's debug verbosity, and only then", "[build]") {
    Fixture f;
    const auto ok = [] { return respond(200, {{"docker-content-digest", k_digest}}); };
    f.http.answers = {respond(200), ok(), ok(), ok(), ok()};
    REQUIRE(f.build(R"({"image":"app","package-registry":"images","tags":["v1"],"verbosity":"debug"})"));
    CHECK(f.log.str().find("kaniko: TLS trusts the test's CA bundle\n") != std::string::npos);
    Fixture quiet;
    quiet.http.answers = {respond(200), ok(), ok()};
    REQUIRE(quiet.build(R"({"image":"app","package-registry":"images","tags":["v1"]})"));
    CHECK(quiet.log.str().find("TLS trusts") == std::string::npos);
}

TEST_CASE("build: a refusal in pre-flight stops before the executor", "[build]") {
    Fixture f;
    f.http.answers = {respond(401, {{"www-authenticate", R"(Basic realm="r")"}})};
    const auto code = f.build(k_config);
    REQUIRE_FALSE(code);
    CHECK(code.error().exit_code == 1);
    CHECK(code.error().message ==
          "pre-flight: the registry refused the credentials (GET https://packages.buildkite.com/v2/ answered 401). The "
          "OIDC audience must be exactly https://packages.buildkite.com/acme/images (the registry's URL), and the "
          "registry's OIDC policy must allow this pipeline.");
    CHECK_FALSE(f.executor_ran());
    REQUIRE(f.agent.annotations.size() == 1);
    CHECK(f.agent.annotations[0].starts_with("error: "));
    CHECK(f.agent.annotations[0].find("The OIDC audience must be exactly https://packages.buildkite.com/acme/images") !=
          std::string::npos);
    CHECK(f.temp_is_empty());
}

TEST_CASE("build: a token for another audience is refused before the registry sees it", "[build]") {
    Fixture f;
    f.agent.issued_audience = "https://packages.buildkite.com/acme/other";
    const auto code = f.build(k_config);
    REQUIRE_FALSE(code);
    CHECK(code.error().message.starts_with(
        "the OIDC token's audience is \"https://packages.buildkite.com/acme/other\", but oidc-audience is "
        "\"https://packages.buildkite.com/acme/images\""));
    CHECK(f.http.requests.empty());
    CHECK_FALSE(f.executor_ran());
}

TEST_CASE("build: skip-if-exists reports the existing digest and runs nothing", "[build]") {
    Fixture f;
    const std::string existing = "sha256:" + std::string(64, 'a');
    f.http.answers = {respond(200), respond(200, {{"docker-content-digest", existing}}),
                      respond(200, {{"docker-content-digest", existing}})};
    const auto code = f.build(R"({"image":"app","package-registry":"images","tags":["v1","v2"],"skip-if-exists":true})");
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK_FALSE(f.executor_ran());
    CHECK(f.agent.meta_data["kaniko-digest:app"] == existing);
}

TEST_CASE("build: verification fails on another digest or a missing tag", "[build]") {
    Fixture f;
    const std::string other = "sha256:" + std::string(64, 'f');
    SECTION("another digest") {
        f.http.answers = {respond(200), respond(200, {{"docker-content-digest", other}})};
        const auto code = f.build(k_config);
        REQUIRE_FALSE(code);
        CHECK(code.error().message ==
              "verification: packages.buildkite.com/acme/images/app:v1 points to " + other + ", not to " + k_digest +
                  " that the executor pushed; another build may have pushed the same tag");
    }
    SECTION("a missing tag") {
        f.http.answers = {respond(200), respond(200, {{"docker-content-digest", k_digest}}), respond(404)};
        const auto code = f.build(k_config);
        REQUIRE_FALSE(code);
        CHECK(code.error().message.starts_with(
            "verification: packages.buildkite.com/acme/images/app:v2 is not in the registry after the push"));
    }
    CHECK(f.executor_ran());
    CHECK(f.agent.meta_data.empty());
    REQUIRE(f.agent.annotations.size() == 1);
    CHECK(f.agent.annotations[0].find("verification: ") != std::string::npos);
    CHECK(f.temp_is_empty());
}

TEST_CASE("build: the executor's exit code is returned unchanged", "[build]") {
    Fixture f;
    f.http.answers = {respond(200)};
    f.runner.executor_exit = 3;
    f.runner.executor_output = {"RUN make", "make: *** [all] Error 2"};
    const auto code = f.build(k_config);
    REQUIRE(code);
    CHECK(*code == 3);
    CHECK(f.agent.annotations.at(0).find("make: *** [all] Error 2") != std::string::npos);
    CHECK(f.agent.meta_data.empty());
}

TEST_CASE("build: a token near the end of its life is replaced in the mounted config", "[build]") {
    Fixture f;
    f.http.answers = {respond(200), respond(200, {{"docker-content-digest", k_digest}})};
    f.runner.executor_ticks = 1;
    std::string config_seen_by_executor;
    f.runner.on_stream = [&](const Argv& argv) {
        for (const auto& arg : argv) {
            if (arg.ends_with(":/kaniko/.docker:ro")) {
                config_seen_by_executor = *read_text_file(arg.substr(0, arg.find(':')) + "/config.json");
            }
            if (arg.ends_with(":/kaniko/output")) {
                std::ofstream(arg.substr(0, arg.find(':')) + "/digest") << k_digest;
            }
        }
    };
    // A one-second lifetime is due for refresh after one second: the tick comes after that.
    const auto started = std::chrono::steady_clock::now();
    f.agent.before_token = [&](int count) {
        if (count == 2) REQUIRE(std::chrono::steady_clock::now() - started >= std::chrono::seconds(1));
    };
    f.runner.on_tick_delay = std::chrono::milliseconds(1100);
    const auto code = f.build(R"({"image":"app","package-registry":"images","oidc-lifetime":1})");
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK(f.agent.tokens.size() == 2);
    CHECK(config_seen_by_executor.find(f.agent.tokens.back()) != std::string::npos);
    // Verification after the build signs in with the new token.
    CHECK(f.http.requests.back().basic->password == f.agent.tokens.back());
    CHECK(f.log.str().find("kaniko: refreshed the OIDC token in the executor's credentials") != std::string::npos);
}

namespace {

constexpr auto k_index_config =
    R"({"image":"app","registry":"r.example","auth":"none","tags":["v1","latest"],"index":["linux/amd64","linux/arm64"]})";

std::string config_for(std::string_view architecture) {
    return R"({"architecture":")" + std::string(architecture) + R"(","os":"linux","rootfs":{}})";
}

std::string manifest_with(const std::string& config) {
    return R"({"schemaVersion":2,"config":{"digest":"sha256:)" + sha256_hex(config) + R"("},"layers":[]})";
}

HttpResponse with_body(std::string media_type, std::string body) {
    return HttpResponse{200, {{"content-type", std::move(media_type)}}, std::move(body)};
}

// The registry's answers for reading a child: its manifest, then its config.
void serve_child(ScriptedHttp& http, std::string_view architecture) {
    http.answers.push_back(with_body("application/vnd.oci.image.manifest.v1+json", manifest_with(config_for(architecture))));
    http.answers.push_back(with_body("application/octet-stream", config_for(architecture)));
}

std::string digest_of_child(std::string_view architecture) {
    return "sha256:" + sha256_hex(manifest_with(config_for(architecture)));
}

// What the platform steps left: the amd64 and arm64 digests in meta-data, their images (whose configs
// say the architectures given) in the registry, which answers pre-flight first.
void two_children(Fixture& f, std::string_view amd64_says, std::string_view arm64_says) {
    f.agent.meta_data["kaniko-digest:app:linux/amd64"] = digest_of_child(amd64_says);
    f.agent.meta_data["kaniko-digest:app:linux/arm64"] = digest_of_child(arm64_says);
    f.http.answers = {respond(200)};
    serve_child(f.http, amd64_says);
    serve_child(f.http, arm64_says);
}

const HttpRequest* put_request(const ScriptedHttp& http) {
    const auto found = std::find_if(http.requests.begin(), http.requests.end(),
                                    [](const HttpRequest& r) { return r.method == "PUT"; });
    return found == http.requests.end() ? nullptr : &*found;
}

}  // namespace

TEST_CASE("build: an index step reads each platform's digest, checks its image, puts one index", "[build][index]") {
    Fixture f;
    two_children(f, "amd64", "arm64");
    // The registry answers each PUT with the digest of what it stored: the bytes put.
    const auto index = render_index({{Platform{"linux", "amd64", ""}, std::string(k_oci_manifest), digest_of_child("amd64"),
                                      manifest_with(config_for("amd64")).size()},
                                     {Platform{"linux", "arm64", ""}, std::string(k_oci_manifest), digest_of_child("arm64"),
                                      manifest_with(config_for("arm64")).size()}},
                                    k_oci_index);
    for (int tag = 0; tag < 2; ++tag) f.http.answers.push_back(respond(201, {{"docker-content-digest", index.digest}}));
    const auto code = f.build(k_index_config);
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK_FALSE(f.executor_ran());
    const auto* put = put_request(f.http);
    REQUIRE(put);
    CHECK(put->url == "https://r.example/v2/app/manifests/v1");
    CHECK("sha256:" + sha256_hex(*put->body) == f.agent.meta_data["kaniko-digest:app"]);
    CHECK(f.agent.meta_data["kaniko-image:app"] == "r.example/app@" + f.agent.meta_data["kaniko-digest:app"]);
    const auto& annotation = f.agent.annotations.at(0);
    CHECK(annotation.starts_with("success: <h4>:kaniko: Pushed the index of <code>r.example/app</code>"));
    CHECK(annotation.find("<li><code>linux/arm64</code> <code>" + digest_of_child("arm64") + "</code></li>") !=
          std::string::npos);
}

TEST_CASE("build: an index step without a platform's digest pushes nothing and names the key", "[build][index]") {
    Fixture f;
    f.agent.meta_data["kaniko-digest:app:linux/amd64"] = digest_of_child("amd64");
    const auto code = f.build(k_index_config);
    REQUIRE_FALSE(code);
    CHECK(code.error().exit_code == 1);
    CHECK(code.error().message ==
          "index: no linux/arm64 image: meta-data kaniko-digest:app:linux/arm64 is not set; the step that builds it "
          "(platform: linux/arm64) failed or has not run yet; give this step depends_on with that step's key");
    CHECK(f.http.requests.empty());
}

TEST_CASE("build: an index of a mislabelled image is refused before anything is put", "[build][index]") {
    Fixture f;
    two_children(f, "amd64", "amd64");
    const auto code = f.build(k_index_config);
    REQUIRE_FALSE(code);
    CHECK(code.error().message.find("is a linux/amd64 image, not linux/arm64") != std::string::npos);
    CHECK_FALSE(put_request(f.http));
    CHECK(f.agent.meta_data.count("kaniko-digest:app") == 0);
}

TEST_CASE("build: a platform's build tags and records by platform", "[build][index]") {
    Fixture f;
    f.http.answers = {respond(200), respond(200, {{"docker-content-digest", k_digest}})};
    const auto code = f.build(R"({"image":"app","registry":"r.example","auth":"none","tags":["v1"],"platform":"linux/arm/v7"})");
    REQUIRE(code);
    CHECK(f.http.requests.back().url == "https://r.example/v2/app/manifests/v1-linux-arm-v7");
    CHECK(f.agent.meta_data["kaniko-digest:app:linux/arm/v7"] == k_digest);
    CHECK(f.agent.meta_data["kaniko-image:app:linux/arm/v7"] == "r.example/app@" + k_digest);
    // The unqualified keys are the index's.
    CHECK(f.agent.meta_data.count("kaniko-digest:app") == 0);
    CHECK(f.agent.meta_data.count("kaniko-image") == 0);
}

TEST_CASE("build: platforms builds each in turn; a cancel between two starts nothing more", "[build][index]") {
    Fixture f;
    int builds = 0;
    f.runner.on_stream = [&](const Argv& argv) {
        ++builds;
        CHECK(std::find(argv.begin(), argv.end(), "--custom-platform=linux/amd64") != argv.end());
        CHECK(std::find(argv.begin(), argv.end(), "--destination=r.example/app:v1-linux-amd64") != argv.end());
        for (const auto& arg : argv) {
            if (arg.ends_with(":/kaniko/output")) std::ofstream(arg.substr(0, arg.find(':')) + "/digest") << k_digest;
        }
        f.runner.cancelled = SIGTERM;
    };
    f.http.answers = {respond(200), respond(200, {{"docker-content-digest", k_digest}})};
    const auto code = f.build(
        R"({"image":"app","registry":"r.example","auth":"none","tags":["v1"],"platforms":["linux/amd64","linux/arm64"]})");
    REQUIRE_FALSE(code);
    CHECK(code.error().exit_code == 128 + SIGTERM);
    CHECK(builds == 1);
    CHECK_FALSE(put_request(f.http));
    CHECK(f.agent.annotations.empty());
}

namespace {

constexpr auto k_log_entry = R"({"uuid":{"body":"Ym9keQ==","integratedTime":1700000000,"logID":"c0d2","logIndex":3,
    "verification":{"signedEntryTimestamp":"U0VU"}}})";

HttpResponse certificate_answer() {
    const auto certificate = boost::json::serialize(boost::json::string(kaniko::testing::k_job_certificate));
    return HttpResponse{201, {}, R"({"signedCertificateEmbeddedSct":{"chain":{"certificates":[)" + certificate + "]}}}"};
}

const std::string k_signature_tag = "sha256-" + std::string(64, 'e') + ".sig";

}  // namespace

TEST_CASE("build: sign: a certificate, a log entry and cosign's signature image after the verified push", "[build][sigstore]") {
    Fixture f;
    const auto upload = [](const char* location) {
        return std::vector<HttpResponse>{respond(404), respond(202, {{"location", location}}), respond(201)};
    };
    f.http.answers = {respond(200), respond(200, {{"docker-content-digest", k_digest}}), certificate_answer(),
                      HttpResponse{201, {}, k_log_entry}, respond(404)};
    for (const auto* location : {"/v2/acme/images/app/blobs/uploads/1", "/v2/acme/images/app/blobs/uploads/2"}) {
        for (auto& answer : upload(location)) f.http.answers.push_back(answer);
    }
    f.http.answers.push_back(respond(201));
    const auto code = f.build(R"({"image":"app","package-registry":"images","tags":["v1"],"sign":true})");
    REQUIRE(code);
    CHECK(*code == 0);
    REQUIRE(f.http.requests.size() == 12);
    CHECK(f.http.requests[2].url == "https://fulcio.sigstore.dev/api/v2/signingCert");
    CHECK(f.http.requests[3].url == "https://rekor.sigstore.dev/api/v1/log/entries");
    CHECK(f.http.requests[3].body->find(R"("kind":"hashedrekord")") != std::string::npos);
    CHECK(f.http.requests[4].url == "https://packages.buildkite.com/v2/acme/images/app/manifests/" + k_signature_tag);
    CHECK(f.http.requests[11].method == "PUT");
    CHECK(f.http.requests[11].url == "https://packages.buildkite.com/v2/acme/images/app/manifests/" + k_signature_tag);
    CHECK(f.http.requests[11].body->find("dev.sigstore.cosign/bundle") != std::string::npos);

    // The second token is Fulcio's: its own audience, and protected like the registry's.
    REQUIRE(f.agent.tokens.size() == 2);
    CHECK(decode_token_claims(f.agent.tokens[1])->audience == "sigstore");
    CHECK(std::find(f.agent.redacted.begin(), f.agent.redacted.end(), f.agent.tokens[1]) != f.agent.redacted.end());
    CHECK(f.log.str().find(f.agent.tokens[1]) == std::string::npos);

    CHECK(f.agent.meta_data["kaniko-signature:app"] == "packages.buildkite.com/acme/images/app:" + k_signature_tag);
    REQUIRE(f.agent.annotations.size() == 1);
    CHECK(f.agent.annotations[0].find("cosign verify --certificate-identity https://buildkite.com/acme/app "
                                      "--certificate-oidc-issuer https://agent.buildkite.com "
                                      "packages.buildkite.com/acme/images/app@" + k_digest) != std::string::npos);
}

TEST_CASE("build: sign: a refused certificate leaves the image pushed, reported, and unsigned", "[build][sigstore]") {
    Fixture f;
    f.http.answers = {respond(200), respond(200, {{"docker-content-digest", k_digest}}),
                      HttpResponse{401, {}, R"({"code":16,"message":"error processing the identity token"})"}};
    const auto code = f.build(R"({"image":"app","package-registry":"images","tags":["v1"],"sign":true})");
    REQUIRE_FALSE(code);
    CHECK(code.error().exit_code == 1);
    CHECK(code.error().message.starts_with("packages.buildkite.com/acme/images/app@" + k_digest +
                                           " is pushed but not signed: Fulcio refused a certificate: POST "
                                           "https://fulcio.sigstore.dev/api/v2/signingCert answered 401"));
    CHECK(f.http.requests.size() == 3);  // nothing is stored
    CHECK(f.agent.meta_data["kaniko-digest:app"] == k_digest);
    CHECK_FALSE(f.agent.meta_data.contains("kaniko-signature:app"));
    REQUIRE(f.agent.annotations.size() == 1);
    CHECK(f.agent.annotations[0].starts_with("error: "));
    CHECK(f.agent.annotations[0].find("is pushed but not signed") != std::string::npos);
}

TEST_CASE("build: sign: a signing token for another audience is named before Fulcio sees it", "[build][sigstore]") {
    Fixture f;
    f.agent.issued_audience = "https://packages.buildkite.com/acme/images";
    f.http.answers = {respond(200), respond(200, {{"docker-content-digest", k_digest}})};
    const auto code = f.build(R"({"image":"app","registry":"r.example","auth":"none","tags":["v1"],"sign":true})");
    REQUIRE_FALSE(code);
    CHECK(code.error().message == "r.example/app@" + k_digest +
                                      " is pushed but not signed: the agent issued the signing token for the audience "
                                      "\"https://packages.buildkite.com/acme/images\", not sigstore, which Fulcio expects");
    CHECK(f.http.requests.size() == 2);
}
