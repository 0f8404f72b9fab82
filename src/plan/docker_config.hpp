#pragma once

#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaniko {

// Buildkite Package Registries accept an OIDC token as the password of this user.
inline constexpr std::string_view k_oidc_username = "buildkite";

// A Docker config.json holding one registry login. Keyed by host, which is how Docker, Kaniko and
// skopeo all look credentials up; `auth` is there too because skopeo reads nothing else.
std::string render_docker_config(std::string_view registry_host, std::string_view username, std::string_view password);

// `config_json` (a Docker config the executor already had) with that login added to `auths` and the
// rest kept: credential helpers for other registries go on working.
Expected<std::string> merge_docker_config(std::string_view config_json, std::string_view registry_host,
                                          std::string_view username, std::string_view password);

}  // namespace kaniko
