#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry/client.hpp"
#include "registry/platform.hpp"
#include "util/error.hpp"

namespace kaniko {

inline constexpr std::string_view k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view k_docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view k_docker_manifest_list = "application/vnd.docker.distribution.manifest.list.v2+json";

// One entry of an index: a platform's image manifest, exactly as the registry serves it.
struct IndexChild {
    Platform platform;
    std::string media_type;
    std::string digest;
    std::size_t size = 0;
    bool operator==(const IndexChild&) const = default;
};

// The digest of an image manifest's config, or why `manifest` (named `what` in the message) is not
// an image manifest that an index can hold.
Expected<std::string> config_digest(const Manifest& manifest, std::string_view what);

// The platform an image config records, or why it records none.
Expected<Platform> config_platform(std::string_view config_json);

// An OCI index for OCI children, a Docker manifest list for Docker v2 ones; mixed children are refused.
Expected<std::string> index_media_type(const std::vector<IndexChild>& children);

// The index's bytes: children in the order given, each with its media type, digest, size and platform.
Manifest render_index(const std::vector<IndexChild>& children, std::string_view media_type);

// Whether `manifest` is an index (either kind) holding exactly `children`, in any order.
bool is_index_of(const Manifest& manifest, const std::vector<IndexChild>& children);

}  // namespace kaniko
