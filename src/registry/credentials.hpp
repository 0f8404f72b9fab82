#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "util/secrets.hpp"

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

// Every credential a Docker config file holds in the clear, so that none of them reaches the log:
// the logins in `auths` (as `auth` or as username and password) and identity or registry tokens.
std::vector<Secret> secrets_in_docker_config(std::string_view config_json);

Expected<CredentialSource> find_credentials(std::string_view config_json, std::string_view host);

// Output of `docker-credential-<name> get`: {"ServerURL": ..., "Username": ..., "Secret": ...}.
Expected<BasicCredentials> parse_helper_output(std::string_view json, std::string_view helper);

// The login a Docker config file holds for `host`, running its credential helper if it names one.
// No login at all is not an error, and neither is a helper this machine lacks: the caller decides
// what that means (the executor image ships its own helpers).
struct DockerConfigLogin {
    std::optional<BasicCredentials> login;
    std::optional<std::string> missing_helper;  // docker-credential-<name>, named but not on PATH
};
Expected<DockerConfigLogin> login_from_docker_config(std::string_view config_json, std::string_view host,
                                                     ProcessRunner& runner);

}  // namespace kaniko
