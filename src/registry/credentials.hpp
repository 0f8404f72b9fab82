#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaniko {

class ProcessRunner;

struct BasicCredentials {
    std::string username;
    std::string password;
};

// Where a Docker config file says a host's credentials are, found as Docker finds them:
// credHelpers for the host, then its `auths` entry (keys may carry a scheme or path), then credsStore.
struct CredentialSource {
    std::optional<BasicCredentials> basic;
    std::optional<std::string> helper;  // docker-credential-<helper>
};

Expected<CredentialSource> find_credentials(std::string_view config_json, std::string_view host);

// Output of `docker-credential-<name> get`: {"ServerURL": ..., "Username": ..., "Secret": ...}.
Expected<BasicCredentials> parse_helper_output(std::string_view json, std::string_view helper);

// Runs the helper when the source names one; no credentials at all is not an error.
Expected<std::optional<BasicCredentials>> resolve_credentials(const CredentialSource& source, std::string_view host,
                                                              ProcessRunner& runner);

}  // namespace kaniko
