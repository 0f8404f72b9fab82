#include <catch2/catch.hpp>

#include <sstream>

#include "app/destination.hpp"
#include "config/config.hpp"
#include "fakes.hpp"
#include "plan/plan.hpp"
#include "util/sha256.hpp"

using namespace kaniko;
using kaniko::testing::ScriptedHttp;

namespace {

HttpResponse respond(long status, std::multimap<std::string, std::string> headers = {}, std::string body = {}) {
    return HttpResponse{status, std::move(headers), std::move(body)};
}

std::string digest_of(const std::string& bytes) { return "sha256:" + sha256_hex(bytes); }

const std::string k_arm64_config = R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers"}})";
// A trailing newline, as some tools write: it counts in the size and the digest.
const std::string k_child = R"({"schemaVersion":2,"config":{"digest":")" + digest_of(k_arm64_config) + "\"}}\n";

BuildPlan plan_of(const std::string& json) {
    const Environment env(std::map<std::string, std::string, std::less<>>{{"BUILDKITE_ORGANIZATION_SLUG", "acme"}});
    return *make_plan(*parse_config(json), env, "/checkout");
}

const BasicCredentials k_login{"ci", "pw"};

}  // namespace

TEST_CASE("destination: a child is read by digest, its config checked, its size the bytes served", "[destination]") {
    ScriptedHttp http;
    http.answers = {respond(200, {{"content-type", "application/vnd.oci.image.manifest.v1+json; charset=utf-8"}}, k_child),
                    respond(200, {}, k_arm64_config)};
    const auto plan = plan_of(R"({"image":"app","registry":"r.example/acme","index":["linux/arm64"]})");
    Destination destination(plan, http, k_login);
    const auto child = destination.child(Platform{"linux", "arm64", ""}, digest_of(k_child), "key");
    REQUIRE(child);
    CHECK(child->media_type == "application/vnd.oci.image.manifest.v1+json");
    CHECK(child->size == k_child.size());
    CHECK(child->digest == digest_of(k_child));
    CHECK(http.requests[0].url == "https://r.example/v2/acme/app/manifests/" + digest_of(k_child));
    CHECK(http.requests[1].url == "https://r.example/v2/acme/app/blobs/" + digest_of(k_arm64_config));
}

TEST_CASE("destination: a child built for another platform is refused, naming both", "[destination]") {
    ScriptedHttp http;
    http.answers = {respond(200, {{"content-type", "application/vnd.oci.image.manifest.v1+json"}}, k_child),
                    respond(200, {}, k_arm64_config)};
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","index":["linux/amd64"]})");
    Destination destination(plan, http, k_login);
    const auto child = destination.child(Platform{"linux", "amd64", ""}, digest_of(k_child), "kaniko-digest:app:linux/amd64");
    REQUIRE_FALSE(child);
    CHECK(child.error().message ==
          "index: r.example/app@" + digest_of(k_child) +
              " (the linux/amd64 image, from kaniko-digest:app:linux/amd64) is a linux/arm64 image, not linux/amd64: "
              "its build ran for the wrong platform; give that step platform: linux/amd64 (and agents of that "
              "architecture), then build it again");
}

TEST_CASE("destination: a child that is not there, or not what its digest says", "[destination]") {
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","index":["linux/arm64"]})");
    ScriptedHttp http;
    http.answers = {respond(404),
                    respond(200, {{"content-type", "application/vnd.oci.image.manifest.v1+json"}}, k_child + " ")};
    Destination destination(plan, http, k_login);
    const auto missing = destination.child(Platform{"linux", "arm64", ""}, digest_of(k_child), "key");
    CHECK(missing.error().message.ends_with("is not in the registry; build linux/arm64 again, to this repository"));
    const auto altered = destination.child(Platform{"linux", "arm64", ""}, digest_of(k_child), "key");
    CHECK(altered.error().message.find("served a manifest whose digest is") != std::string::npos);
}

TEST_CASE("destination: the index is put under every tag with its media type", "[destination]") {
    ScriptedHttp http;
    http.answers = {respond(201), respond(201)};
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","tags":["v1","latest"],"index":["linux/arm64"]})");
    Destination destination(plan, http, k_login);
    const auto index = render_index({{Platform{"linux", "arm64", ""}, std::string(k_oci_manifest), digest_of(k_child),
                                      k_child.size()}},
                                    k_oci_index);
    REQUIRE(destination.put(index, false));
    REQUIRE(http.requests.size() == 2);
    CHECK(http.requests[0].method == "PUT");
    CHECK(http.requests[0].url == "https://r.example/v2/app/manifests/v1");
    CHECK(http.requests[1].url == "https://r.example/v2/app/manifests/latest");
    CHECK(http.requests[0].body == index.body);
    CHECK(std::find(http.requests[0].headers.begin(), http.requests[0].headers.end(),
                    "Content-Type: application/vnd.oci.image.index.v1+json") != http.requests[0].headers.end());
}

TEST_CASE("destination: a refused index names the registry's answer", "[destination]") {
    ScriptedHttp http;
    http.answers = {respond(400, {}, "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\"}]}\n")};
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","tags":["v1"],"index":["linux/arm64"]})");
    Destination destination(plan, http, k_login);
    const auto put = destination.put(render_index({}, k_oci_index), true);
    CHECK(put.error().message ==
          R"(index: PUT https://r.example/v2/app/manifests/v1 answered 400: {"errors":[{"code":"MANIFEST_BLOB_UNKNOWN"}]} )");
}

TEST_CASE("destination: skip-if-exists finds the index every tag holds, when it has exactly these children", "[destination]") {
    const std::vector children{IndexChild{Platform{"linux", "arm64", ""}, std::string(k_oci_manifest),
                                          digest_of(k_child), k_child.size()}};
    const auto index = render_index(children, k_oci_index);
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","tags":["v1","v2"],"index":["linux/arm64"]})");
    ScriptedHttp http;
    http.answers = {respond(200, {{"content-type", std::string(k_oci_index)}}, index.body),
                    respond(200, {{"content-type", std::string(k_oci_index)}}, index.body),
                    respond(200, {{"content-type", std::string(k_oci_index)}}, index.body), respond(404)};
    Destination destination(plan, http, k_login);
    const auto every_tag = destination.existing_index_of(children);
    REQUIRE(every_tag);
    CHECK(*every_tag == index.digest);
    const auto one_missing = destination.existing_index_of(children);
    REQUIRE(one_missing);
    CHECK_FALSE(*one_missing);
    // The digest is that of the bytes each GET served: no HEAD after them.
    CHECK(http.requests.size() == 4);
}

TEST_CASE("destination: each tag is verified by the digest its PUT was answered with, else by a HEAD", "[destination]") {
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","tags":["v1","v2"],"index":["linux/arm64"]})");
    const auto index = render_index({}, k_oci_index);
    const std::string other = "sha256:" + std::string(64, '0');
    SECTION("the PUT's answer") {
        ScriptedHttp http;
        http.answers = {respond(201, {{"docker-content-digest", index.digest}}),
                        respond(201, {{"docker-content-digest", index.digest}})};
        Destination destination(plan, http, k_login);
        CHECK(destination.put(index, true));
        CHECK(http.requests.size() == 2);
    }
    SECTION("a HEAD where the registry names no digest") {
        ScriptedHttp http;
        http.answers = {respond(201), respond(200, {{"docker-content-digest", other}})};
        Destination destination(plan, http, k_login);
        const auto put = destination.put(index, true);
        REQUIRE_FALSE(put);
        CHECK(http.requests[1].method == "HEAD");
        CHECK(put.error().message == "verification: r.example/app:v1 points to " + other + ", not to " + index.digest +
                                         " that the helper pushed; another build may have pushed the same tag");
    }
}
