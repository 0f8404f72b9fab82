#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "registry/index.hpp"
#include "util/sha256.hpp"

using namespace kaniko;

namespace {

const std::string k_config = "sha256:" + std::string(64, 'c');

Manifest served(std::string media_type, std::string body) {
    Manifest manifest{std::move(media_type), std::move(body), {}};
    manifest.digest = "sha256:" + sha256_hex(manifest.body);
    return manifest;
}

IndexChild child(std::string_view platform, std::string_view media_type, char digit, std::size_t size) {
    return {*parse_platform(platform), std::string(media_type), "sha256:" + std::string(64, digit), size};
}

template <class T>
T value_of(Expected<T> expected) {
    REQUIRE(expected);
    return std::move(*expected);
}

}  // namespace

TEST_CASE("index: a child's config digest, from OCI and Docker v2 manifests", "[index]") {
    // umoci's OCI manifests carry no mediaType field of their own: the Content-Type tells.
    const auto oci = served(std::string(k_oci_manifest), R"({"schemaVersion":2,"config":{"digest":")" + k_config + R"("}})");
    CHECK(value_of(config_digest(oci, "app")) == k_config);
    const auto docker = served(std::string(k_docker_manifest), R"({"config":{"digest":")" + k_config + R"("}})");
    CHECK(value_of(config_digest(docker, "app")) == k_config);
}

TEST_CASE("index: what is not one platform's image is refused, named", "[index]") {
    const auto index = served(std::string(k_oci_index), R"({"manifests":[]})");
    CHECK(config_digest(index, "app@x").error().message ==
          "app@x is an index itself (application/vnd.oci.image.index.v1+json), not one platform's image");
    CHECK(config_digest(served("", "{}"), "app@x").error().message ==
          "app@x is served as no media type, not as an OCI or Docker v2 image manifest");
    CHECK(config_digest(served(std::string(k_oci_manifest), "{\"config\":{}}"), "app@x").error().message ==
          "app@x names no sha256 config digest");
    CHECK_FALSE(config_digest(served(std::string(k_oci_manifest), "not json"), "app@x"));
}

TEST_CASE("index: the platform an image config records", "[index]") {
    CHECK(value_of(config_platform(R"({"architecture":"arm","os":"linux","variant":"v7","rootfs":{}})")) ==
          Platform{"linux", "arm", "v7"});
    CHECK(value_of(config_platform(R"({"architecture":"amd64","os":"linux"})")) == Platform{"linux", "amd64", ""});
    CHECK(config_platform(R"({"os":"linux"})").error().message == "its config records no os and architecture");
    CHECK(config_platform("[]").error().message == "its config is not a JSON object");
}

TEST_CASE("index: its kind follows the children's, and mixed children are refused", "[index]") {
    const std::vector oci{child("linux/amd64", k_oci_manifest, '1', 10), child("linux/arm64", k_oci_manifest, '2', 11)};
    CHECK(value_of(index_media_type(oci)) == k_oci_index);
    const std::vector docker{child("linux/amd64", k_docker_manifest, '1', 10)};
    CHECK(value_of(index_media_type(docker)) == k_docker_manifest_list);
    const std::vector mixed{child("linux/amd64", k_oci_manifest, '1', 10),
                            child("linux/arm64", k_docker_manifest, '2', 11)};
    CHECK(index_media_type(mixed).error().message.starts_with(
        "the platforms' images are of two kinds: linux/amd64 is an OCI manifest and linux/arm64 a Docker v2 one"));
}

TEST_CASE("index: each entry holds the child's exact type, digest, size and platform", "[index]") {
    const std::vector children{child("linux/amd64", k_oci_manifest, '1', 401),
                               child("linux/arm/v7", k_oci_manifest, '2', 402)};
    const auto index = render_index(children, k_oci_index);
    CHECK(index.media_type == k_oci_index);
    CHECK(index.digest == "sha256:" + sha256_hex(index.body));
    const auto parsed = boost::json::parse(index.body).as_object();
    CHECK(parsed.at("schemaVersion").as_int64() == 2);
    CHECK(parsed.at("mediaType").as_string() == k_oci_index);
    const auto& entries = parsed.at("manifests").as_array();
    REQUIRE(entries.size() == 2);
    const auto& second = entries[1].as_object();
    CHECK(second.at("mediaType").as_string() == k_oci_manifest);
    CHECK(second.at("digest").as_string() == children[1].digest);
    CHECK(second.at("size").to_number<std::size_t>() == 402);
    CHECK(second.at("platform").as_object() ==
          boost::json::object{{"architecture", "arm"}, {"os", "linux"}, {"variant", "v7"}});
    // No variant key where the platform has none: a pull matches platforms field by field.
    CHECK_FALSE(entries[0].as_object().at("platform").as_object().contains("variant"));
}

TEST_CASE("index: an index holding exactly these children, in any order", "[index]") {
    const std::vector children{child("linux/amd64", k_oci_manifest, '1', 1), child("linux/arm64", k_oci_manifest, '2', 2)};
    const auto pushed = render_index(children, k_oci_index);
    CHECK(is_index_of(pushed, children));
    CHECK(is_index_of(pushed, {children[1], children[0]}));
    CHECK_FALSE(is_index_of(pushed, {children[0]}));
    CHECK_FALSE(is_index_of(pushed, {children[0], child("linux/arm64", k_oci_manifest, '3', 2)}));
    CHECK_FALSE(is_index_of(served(std::string(k_oci_manifest), pushed.body), children));
    CHECK(is_index_of(render_index(children, k_docker_manifest_list), children));
}
