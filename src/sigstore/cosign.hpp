#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/client.hpp"
#include "util/error.hpp"

namespace kaniko {

// How cosign stores signatures and attestations in a registry (its "legacy" layout, which every
// cosign release verifies): an OCI image under a tag named after the signed digest, one layer per
// signature, the signature's material in the layer's annotations.
inline constexpr std::string_view k_simple_signing_type = "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view k_dsse_envelope_type = "application/vnd.dsse.envelope.v1+json";
inline constexpr std::string_view k_signature_suffix = ".sig";
inline constexpr std::string_view k_attestation_suffix = ".att";

// `sha256:ab..` -> `sha256-ab...sig`: where cosign looks for what signs that digest.
std::string cosign_tag(std::string_view digest, std::string_view suffix);

// What `cosign verify` checks a signature against: the image's digest (and, for the record, its repository).
std::string simple_signing_payload(std::string_view repository, std::string_view digest);

// A transparency log's receipt for an entry: Rekor's answer, as cosign's bundle annotation holds it.
struct LogEntry {
    std::string body;  // base64 of the canonical entry
    std::int64_t integrated_time = 0;
    std::int64_t log_index = 0;
    std::string log_id;                  // hex SHA-256 of the log's public key
    std::string signed_entry_timestamp;  // base64: the log's signature over the four fields above
};
std::string bundle_annotation(const LogEntry& entry);

// One signature's layer: the signed bytes and the material to verify them.
struct SignatureLayer {
    std::string media_type;
    std::string content;
    std::string signature;  // base64; empty for an attestation, whose signature is in its envelope
    std::string certificate_pem;
    std::string chain_pem;
    std::optional<LogEntry> log_entry;
    std::map<std::string, std::string> annotations = {};  // more of them: an attestation's predicateType
};

// The image a cosign tag holds after adding `layer`: the two blobs the registry may lack, and the manifest.
struct SignatureImage {
    std::string config;
    std::string layer;  // the added layer's content
    Manifest manifest;
};
// `existing` is what the tag held, if anything: its signatures are kept, as cosign keeps them, and one
// identical to `layer` is not added twice. Fails for a tag holding something cosign did not make.
Expected<SignatureImage> add_signature(const std::optional<Manifest>& existing, const SignatureLayer& layer);

}  // namespace kaniko
