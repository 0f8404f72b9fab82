#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/challenge.hpp"
#include "registry/credentials.hpp"
#include "registry/http.hpp"
#include "util/error.hpp"

namespace kaniko {

// The four manifest types: without an OCI type a registry may answer 404 for an OCI manifest that
// exists, and without any it may convert a Docker v2 manifest to schema 1, with another digest.
inline constexpr std::string_view k_manifest_accept =
    "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

struct RegistryEndpoint {
    std::string host;                    // host[:port]
    bool plain_http = false;             // an insecure registry
    std::optional<std::string> ca_file;  // a registry certificate
};

// A manifest as the registry served it: its type is the Content-Type (an OCI manifest may omit its
// own mediaType field), and its bytes are exactly those hashed and counted in an index entry.
struct Manifest {
    std::string media_type;
    std::string body;
    std::string digest;  // sha256 of body
};

// The registry's answer to credentials: not an Error, since a refusal is an expected outcome the
// caller explains in its own words.
struct Access {
    bool granted = false;
    std::string detail;  // for a refusal: the URL and status that refused
};

// Speaks the OCI distribution API for one registry: the /v2/ ping, Basic and Bearer token auth
// (a token per scope), and manifest digests.
class RegistryClient {
public:
    RegistryClient(HttpClient& http, RegistryEndpoint endpoint, std::optional<BasicCredentials> credentials);

    // Can these credentials pull and push `repository`? Asks the registry, and its token service.
    Expected<Access> check_access(const std::string& repository);

    // The digest `reference` (tag or digest) points to, or nothing when the registry has no such manifest.
    Expected<std::optional<std::string>> manifest_digest(const std::string& repository, const std::string& reference);

    // The manifest `reference` names, or nothing when the registry has none. By digest, the bytes
    // served must hash to it.
    Expected<std::optional<Manifest>> fetch_manifest(const std::string& repository, const std::string& reference);

    // A blob by digest (an image config), checked against the digest.
    Expected<std::string> fetch_blob(const std::string& repository, const std::string& digest);

    // Stores `content` as a blob, unless the repository has it already: a HEAD, then a monolithic
    // upload (POST for a session, PUT of the bytes with their digest).
    Status upload_blob(const std::string& repository, const std::string& content);

    // Puts `manifest` under `tag`; returns the digest the registry says it stored, when it says.
    Expected<std::optional<std::string>> put_manifest(const std::string& repository, const std::string& tag,
                                                      const Manifest& manifest);

    std::string base_url() const;

    // A response, or a token service's refusal that ended the request before the registry saw it.
    struct Answer {
        HttpResponse response;
        std::optional<std::string> token_refusal;
    };

private:
    Expected<Answer> send(const HttpRequest& request, const std::string& scope);
    // A manifest's answer (HEAD or GET): nothing for a 404, an Error for a refusal or another status.
    Expected<std::optional<HttpResponse>> read_manifest(const std::string& method, const std::string& repository,
                                                        const std::string& reference);
    struct TokenOutcome {
        std::string token;
        std::optional<std::string> refusal;  // the token service refused the credentials
    };
    Expected<TokenOutcome> fetch_token(const Challenge& challenge, const std::string& scope);
    HttpRequest request_for(std::string method, std::string url) const;

    HttpClient& m_http;
    RegistryEndpoint m_endpoint;
    std::optional<BasicCredentials> m_credentials;
    std::optional<Challenge> m_challenge;         // what the registry asked for, once it has asked
    std::map<std::string, std::string> m_tokens;  // scope -> bearer token
};

// How to reach `host` (docker.io at registry-1.docker.io): over plain HTTP when it is listed as
// insecure, with its CA file when it has one.
RegistryEndpoint endpoint_for(const std::string& host, const std::map<std::string, std::string>& certificates,
                              const std::vector<std::string>& insecure);

std::string pull_scope(const std::string& repository);
std::string push_scope(const std::string& repository);

}  // namespace kaniko
