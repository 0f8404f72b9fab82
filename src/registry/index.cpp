#include "registry/index.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "util/sha256.hpp"

namespace kaniko {

namespace json = boost::json;

namespace {

std::string string_at(const json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

const json::object* parsed_object(std::string_view text, json::value& holder) {
    boost::system::error_code ec;
    holder = json::parse(text, ec);
    return ec || !holder.is_object() ? nullptr : &holder.as_object();
}

bool is_index_type(std::string_view media_type) {
    return media_type == k_oci_index || media_type == k_docker_manifest_list;
}

}  // namespace

Expected<std::string> config_digest(const Manifest& manifest, std::string_view what) {
    if (is_index_type(manifest.media_type)) {
        return Error::failure(fmt::format("{} is an index itself ({}), not one platform's image", what,
                                          manifest.media_type));
    }
    if (manifest.media_type != k_oci_manifest && manifest.media_type != k_docker_manifest) {
        return Error::failure(fmt::format("{} is served as {}, not as an OCI or Docker v2 image manifest", what,
                                          manifest.media_type.empty() ? "no media type" : manifest.media_type));
    }
    json::value holder;
    const auto* object = parsed_object(manifest.body, holder);
    const auto* config = object == nullptr ? nullptr : object->if_contains("config");
    const auto digest = config != nullptr && config->is_object() ? string_at(config->as_object(), "digest") : "";
    if (!digest.starts_with("sha256:")) {
        return Error::failure(fmt::format("{} names no sha256 config digest", what));
    }
    return digest;
}

Expected<Platform> config_platform(std::string_view config_json) {
    json::value holder;
    const auto* object = parsed_object(config_json, holder);
    if (object == nullptr) return Error::failure("its config is not a JSON object");
    Platform platform{string_at(*object, "os"), string_at(*object, "architecture"), string_at(*object, "variant")};
    if (platform.os.empty() || platform.architecture.empty()) {
        return Error::failure("its config records no os and architecture");
    }
    return platform;
}

Expected<std::string> index_media_type(const std::vector<IndexChild>& children) {
    const auto oci = std::find_if(children.begin(), children.end(),
                                  [](const IndexChild& c) { return c.media_type == k_oci_manifest; });
    const auto docker = std::find_if(children.begin(), children.end(),
                                     [](const IndexChild& c) { return c.media_type == k_docker_manifest; });
    if (oci != children.end() && docker != children.end()) {
        return Error::failure(fmt::format(
            "the platforms' images are of two kinds: {} is an OCI manifest and {} a Docker v2 one; an index holds one "
            "kind, so build them alike (the same base images, the same executor)",
            to_string(oci->platform), to_string(docker->platform)));
    }
    return std::string(docker != children.end() ? k_docker_manifest_list : k_oci_index);
}

Manifest render_index(const std::vector<IndexChild>& children, std::string_view media_type) {
    json::array manifests;
    for (const auto& child : children) {
        json::object platform{{"architecture", child.platform.architecture}, {"os", child.platform.os}};
        if (!child.platform.variant.empty()) platform["variant"] = child.platform.variant;
        manifests.push_back(json::object{{"mediaType", child.media_type},
                                         {"digest", child.digest},
                                         {"size", child.size},
                                         {"platform", std::move(platform)}});
    }
    const json::object index{{"schemaVersion", 2}, {"mediaType", media_type}, {"manifests", std::move(manifests)}};
    Manifest manifest{std::string(media_type), json::serialize(index), {}};
    manifest.digest = "sha256:" + sha256_hex(manifest.body);
    return manifest;
}

bool is_index_of(const Manifest& manifest, const std::vector<IndexChild>& children) {
    if (!is_index_type(manifest.media_type)) return false;
    json::value holder;
    const auto* object = parsed_object(manifest.body, holder);
    const auto* entries = object == nullptr ? nullptr : object->if_contains("manifests");
    if (entries == nullptr || !entries->is_array()) return false;
    std::vector<std::string> held;
    for (const auto& entry : entries->as_array()) {
        if (entry.is_object()) held.push_back(string_at(entry.as_object(), "digest"));
    }
    std::vector<std::string> wanted;
    for (const auto& child : children) wanted.push_back(child.digest);
    std::sort(held.begin(), held.end());
    std::sort(wanted.begin(), wanted.end());
    return held == wanted;
}

}  // namespace kaniko
