#include "sigstore/cosign.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "registry/index.hpp"
#include "util/sha256.hpp"

namespace kaniko {

namespace json = boost::json;

namespace {

json::object descriptor(std::string_view media_type, std::string_view content) {
    return {{"mediaType", media_type},
            {"size", static_cast<std::int64_t>(content.size())},
            {"digest", "sha256:" + sha256_hex(content)}};
}

json::object layer_descriptor(const SignatureLayer& layer) {
    auto object = descriptor(layer.media_type, layer.content);
    json::object annotations{{"dev.cosignproject.cosign/signature", layer.signature},
                             {"dev.sigstore.cosign/certificate", layer.certificate_pem},
                             {"dev.sigstore.cosign/chain", layer.chain_pem}};
    if (layer.log_entry) annotations["dev.sigstore.cosign/bundle"] = bundle_annotation(*layer.log_entry);
    for (const auto& [name, value] : layer.annotations) annotations[name] = value;
    object["annotations"] = std::move(annotations);
    return object;
}

// The config cosign writes: an empty image whose diff_ids are the signatures' digests.
std::string signature_config(const json::array& layers) {
    json::array diff_ids;
    for (const auto& layer : layers) diff_ids.push_back(layer.as_object().at("digest"));
    const json::object config{{"architecture", ""},
                              {"created", "0001-01-01T00:00:00Z"},
                              {"history", json::array{json::object{{"created", "0001-01-01T00:00:00Z"}}}},
                              {"os", ""},
                              {"rootfs", json::object{{"type", "layers"}, {"diff_ids", std::move(diff_ids)}}},
                              {"config", json::object{}}};
    return json::serialize(config);
}

Expected<json::array> existing_layers(const std::optional<Manifest>& existing) {
    if (!existing) return json::array{};
    boost::system::error_code ec;
    auto value = json::parse(existing->body, ec);
    const auto* layers = !ec && value.is_object() ? value.as_object().if_contains("layers") : nullptr;
    if (existing->media_type != k_oci_manifest || layers == nullptr || !layers->is_array()) {
        return Error::failure(fmt::format("the tag holds {} that is not a cosign signature image",
                                          existing->media_type.empty() ? "a manifest" : existing->media_type));
    }
    for (const auto& layer : layers->as_array()) {
        if (!layer.is_object() || !layer.as_object().if_contains("digest") ||
            !layer.as_object().at("digest").is_string()) {
            return Error::failure("the tag holds a signature image with a layer that names no digest");
        }
    }
    return layers->as_array();
}

}  // namespace

std::string cosign_tag(std::string_view digest, std::string_view suffix) {
    auto tag = std::string(digest);
    if (const auto colon = tag.find(':'); colon != std::string::npos) tag[colon] = '-';
    return tag + std::string(suffix);
}

std::string simple_signing_payload(std::string_view repository, std::string_view digest) {
    const json::object payload{
        {"critical", json::object{{"identity", json::object{{"docker-reference", repository}}},
                                  {"image", json::object{{"docker-manifest-digest", digest}}},
                                  {"type", "cosign container image signature"}}},
        {"optional", nullptr}};
    return json::serialize(payload);
}

std::string bundle_annotation(const LogEntry& entry) {
    const json::object bundle{{"SignedEntryTimestamp", entry.signed_entry_timestamp},
                              {"Payload", json::object{{"body", entry.body},
                                                       {"integratedTime", entry.integrated_time},
                                                       {"logIndex", entry.log_index},
                                                       {"logID", entry.log_id}}}};
    return json::serialize(bundle);
}

Expected<SignatureImage> add_signature(const std::optional<Manifest>& existing, const SignatureLayer& layer) {
    auto layers = existing_layers(existing);
    if (!layers) return layers.error();
    const json::value added = layer_descriptor(layer);
    bool present = false;
    for (const auto& held : *layers) present = present || held == added;
    if (!present) layers->push_back(added);

    SignatureImage image;
    image.config = signature_config(*layers);
    image.layer = layer.content;
    const json::object manifest{{"schemaVersion", 2},
                                {"mediaType", k_oci_manifest},
                                {"config", descriptor("application/vnd.oci.image.config.v1+json", image.config)},
                                {"layers", std::move(*layers)}};
    image.manifest.media_type = std::string(k_oci_manifest);
    image.manifest.body = json::serialize(manifest);
    image.manifest.digest = "sha256:" + sha256_hex(image.manifest.body);
    return image;
}

}  // namespace kaniko
