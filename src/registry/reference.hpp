#pragma once

#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaniko {

inline constexpr std::size_t k_max_tag_length = 128;
inline constexpr std::size_t k_max_repository_length = 255;
inline constexpr std::size_t k_max_reference_length = 4096;

// The naming rules of the OCI distribution spec, used both to validate attributes and to take
// image references apart.
bool is_valid_tag(std::string_view tag);
bool is_valid_repository(std::string_view repository);
// host[:port] followed by optional repository path components, e.g. `ghcr.io/acme`.
bool is_valid_registry(std::string_view registry);
bool is_valid_digest(std::string_view digest);

// The part of a registry before its path: what Docker config files and TLS are keyed by.
std::string registry_host(std::string_view registry);
// localhost, 127.0.0.0/8 or ::1, with or without a port: the agent's own loopback.
bool is_loopback_host(std::string_view host);

struct Reference {
    std::string host;        // "docker.io" where the reference names none
    std::string repository;  // "library/busybox" for a Docker Hub short name
    std::string tag;         // empty when pinned by digest only
    std::string digest;      // "sha256:..." or empty

    // With tag and digest as written, host included: `host/repository[:tag][@digest]`.
    std::string str() const;
};

// Accepts what `docker pull` accepts: `busybox`, `ghcr.io/acme/app:1.0`, `host:5000/app@sha256:...`.
// A reference without a tag or digest gets `latest`, as Docker does.
Expected<Reference> parse_reference(std::string_view text);

}  // namespace kaniko
