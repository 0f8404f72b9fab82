#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "json_checks.hpp"
#include "registry/index.hpp"
#include "sigstore/cosign.hpp"
#include "util/sha256.hpp"

using namespace kaniko;
using kaniko::testing::as_json;
namespace json = boost::json;

namespace {

const std::string k_digest = "sha256:" + std::string(64, 'a');

SignatureLayer layer_with(std::string content) {
    return {std::string(k_simple_signing_type), std::move(content), "c2lnbmF0dXJl", "LEAF PEM", "CHAIN PEM",
            LogEntry{"Ym9keQ==", 1700000000, 7, "abcd", "c2V0"}};
}

json::object parsed(const std::string& text) { return json::parse(text).as_object(); }

}  // namespace

TEST_CASE("cosign: the tag next to the image that names the signed digest", "[sigstore]") {
    CHECK(cosign_tag(k_digest, k_signature_suffix) == "sha256-" + std::string(64, 'a') + ".sig");
    CHECK(cosign_tag(k_digest, k_attestation_suffix) == "sha256-" + std::string(64, 'a') + ".att");
}

TEST_CASE("cosign: the simple-signing payload names the image's digest and repository", "[sigstore]") {
    const auto payload = parsed(simple_signing_payload("registry.example/team/app", k_digest));
    const auto& critical = payload.at("critical").as_object();
    CHECK(critical.at("type") == "cosign container image signature");
    CHECK(critical.at("image").at("docker-manifest-digest") == as_json(k_digest));
    CHECK(critical.at("identity").at("docker-reference") == "registry.example/team/app");
    CHECK(payload.at("optional").is_null());
}

TEST_CASE("cosign: the bundle holds the log's receipt as cosign reads it", "[sigstore]") {
    const auto bundle = parsed(bundle_annotation(LogEntry{"Ym9keQ==", 1700000000, 7, "abcd", "c2V0"}));
    CHECK(bundle.at("SignedEntryTimestamp") == "c2V0");
    const auto& payload = bundle.at("Payload").as_object();
    CHECK(payload.at("body") == "Ym9keQ==");
    CHECK(payload.at("integratedTime") == 1700000000);
    CHECK(payload.at("logIndex") == 7);
    CHECK(payload.at("logID") == "abcd");
}

TEST_CASE("cosign: a first signature makes an OCI image of one layer with its material", "[sigstore]") {
    const auto image = add_signature(std::nullopt, layer_with("payload"));
    REQUIRE(image);
    CHECK(image->layer == "payload");
    CHECK(image->manifest.media_type == k_oci_manifest);
    CHECK(image->manifest.digest == "sha256:" + sha256_hex(image->manifest.body));
    const auto manifest = parsed(image->manifest.body);
    CHECK(manifest.at("config").at("digest") == as_json("sha256:" + sha256_hex(image->config)));
    CHECK(manifest.at("config").at("size") == static_cast<std::int64_t>(image->config.size()));
    const auto& layers = manifest.at("layers").as_array();
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].at("mediaType") == as_json(k_simple_signing_type));
    CHECK(layers[0].at("digest") == as_json("sha256:" + sha256_hex("payload")));
    CHECK(layers[0].at("size") == 7);
    const auto& annotations = layers[0].at("annotations").as_object();
    CHECK(annotations.at("dev.cosignproject.cosign/signature") == "c2lnbmF0dXJl");
    CHECK(annotations.at("dev.sigstore.cosign/certificate") == "LEAF PEM");
    CHECK(annotations.at("dev.sigstore.cosign/chain") == "CHAIN PEM");
    CHECK(parsed(std::string(annotations.at("dev.sigstore.cosign/bundle").as_string())).at("SignedEntryTimestamp") == "c2V0");
    const auto config = parsed(image->config);
    CHECK(config.at("rootfs").at("diff_ids") == json::array{json::string("sha256:" + sha256_hex("payload"))});
}

TEST_CASE("cosign: a signature is added to those the tag held, and the same one only once", "[sigstore]") {
    const auto first = add_signature(std::nullopt, layer_with("first"));
    REQUIRE(first);
    const auto second = add_signature(first->manifest, layer_with("second"));
    REQUIRE(second);
    const auto layers = parsed(second->manifest.body).at("layers").as_array();
    REQUIRE(layers.size() == 2);
    CHECK(layers[0].at("digest") == as_json("sha256:" + sha256_hex("first")));
    CHECK(layers[1].at("digest") == as_json("sha256:" + sha256_hex("second")));
    CHECK(parsed(second->config).at("rootfs").at("diff_ids").as_array().size() == 2);
    const auto again = add_signature(second->manifest, layer_with("second"));
    REQUIRE(again);
    CHECK(again->manifest.digest == second->manifest.digest);
}

TEST_CASE("cosign: a tag holding something else is not overwritten", "[sigstore]") {
    const Manifest docker{std::string(k_docker_manifest), R"({"layers":[]})", {}};
    const auto refused = add_signature(docker, layer_with("payload"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message ==
          "the tag holds application/vnd.docker.distribution.manifest.v2+json that is not a cosign signature image");
    const Manifest odd{std::string(k_oci_manifest), R"({"layers":[{"size":1}]})", {}};
    REQUIRE_FALSE(add_signature(odd, layer_with("payload")));
    const Manifest broken{std::string(k_oci_manifest), "not json", {}};
    REQUIRE_FALSE(add_signature(broken, layer_with("payload")));
}
