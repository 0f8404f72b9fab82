#include "registry/client.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "util/sha256.hpp"

namespace kaniko {

namespace {

std::string url_encode(const std::string& text) {
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

std::string token_from(const std::string& body) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return {};
    for (const auto* key : {"token", "access_token"}) {
        if (const auto* token = value.as_object().if_contains(key); token != nullptr && token->is_string()) {
            return std::string(token->as_string());
        }
    }
    return {};
}

bool refused(long status) { return status == 401 || status == 403; }

// Who refused, in words for an error message: the registry itself, or its token service.
std::string refusal_detail(const RegistryClient::Answer& answer, std::string_view method, const std::string& url) {
    if (answer.token_refusal) return *answer.token_refusal;
    return fmt::format("{} {} answered {}", method, url, answer.response.status);
}

// An answer other than the one expected: a refusal says what the credentials may not do (`action`:
// pull or push); any other status, what the registry said ({"errors":[{"code":...}]}), on one line.
Error unexpected_answer(const RegistryClient::Answer& answer, std::string_view method, const std::string& url,
                        std::string_view action) {
    if (refused(answer.response.status)) {
        return Error::failure(fmt::format("{}; the credentials may not {} this repository",
                                          refusal_detail(answer, method, url), action));
    }
    auto said = answer.response.body.substr(0, 300);
    std::replace(said.begin(), said.end(), '\n', ' ');
    return Error::failure(fmt::format("{} {} answered {}{}{}", method, url, answer.response.status,
                                      said.empty() ? "" : ": ", said));
}

}  // namespace

RegistryEndpoint endpoint_for(const std::string& host, const std::map<std::string, std::string>& certificates,
                              const std::vector<std::string>& insecure) {
    // Docker Hub's API lives on another host than its image names.
    RegistryEndpoint endpoint{host == "docker.io" ? std::string("registry-1.docker.io") : host,
                              std::find(insecure.begin(), insecure.end(), host) != insecure.end(), std::nullopt};
    if (const auto found = certificates.find(host); found != certificates.end()) endpoint.ca_file = found->second;
    return endpoint;
}

std::string pull_scope(const std::string& repository) { return fmt::format("repository:{}:pull", repository); }

std::string push_scope(const std::string& repository) { return fmt::format("repository:{}:pull,push", repository); }

RegistryClient::RegistryClient(HttpClient& http, RegistryEndpoint endpoint, std::optional<BasicCredentials> credentials)
    : m_http(http), m_endpoint(std::move(endpoint)), m_credentials(std::move(credentials)) {}

std::string RegistryClient::base_url() const {
    return fmt::format("{}://{}", m_endpoint.plain_http ? "http" : "https", m_endpoint.host);
}

HttpRequest RegistryClient::request_for(std::string method, std::string url) const {
    HttpRequest request;
    request.method = std::move(method);
    request.url = std::move(url);
    request.ca_file = m_endpoint.ca_file;
    return request;
}

Expected<RegistryClient::TokenOutcome> RegistryClient::fetch_token(const Challenge& challenge,
                                                                    const std::string& scope) {
    if (const auto cached = m_tokens.find(scope); cached != m_tokens.end()) return TokenOutcome{cached->second, {}};
    const auto realm = challenge.param("realm");
    if (realm.empty()) return Error::failure(fmt::format("{} asked for a Bearer token but named no realm", base_url()));
    auto url = fmt::format("{}{}scope={}", realm, realm.find('?') == std::string::npos ? '?' : '&', url_encode(scope));
    if (const auto service = challenge.param("service"); !service.empty()) url += "&service=" + url_encode(service);
    // The token service belongs to the registry: trust what the registry is trusted with.
    auto request = request_for("GET", url);
    request.basic = m_credentials;
    auto response = m_http.send(request);
    if (!response) return response.error();
    if (response->status != 200) {
        auto answered = fmt::format("the token service {} answered {} for {}", realm, response->status, scope);
        if (refused(response->status)) return TokenOutcome{{}, std::move(answered)};
        return Error::failure(std::move(answered));
    }
    auto token = token_from(response->body);
    if (token.empty()) return Error::failure(fmt::format("the token service {} returned no token", realm));
    m_tokens[scope] = token;
    return TokenOutcome{token, {}};
}

Expected<RegistryClient::Answer> RegistryClient::send(const HttpRequest& request, const std::string& scope) {
    // Adds credentials as the registry asked for them. A token service that refuses them ends the
    // request there, with the refusal in its own words.
    const auto authorize = [&](HttpRequest& r) -> Expected<std::optional<std::string>> {
        if (m_challenge && m_challenge->scheme == "bearer") {
            auto token = fetch_token(*m_challenge, scope);
            if (!token) return token.error();
            if (token->refusal) return token->refusal;
            r.headers.push_back("Authorization: Bearer " + token->token);
        } else if (m_credentials) {
            // Sent before being asked, as `curl -u` does: a Basic registry then answers in one round trip.
            r.basic = m_credentials;
        }
        return std::optional<std::string>();
    };
    for (bool retried = false;; retried = true) {
        auto attempt = request;
        auto refusal = authorize(attempt);
        if (!refusal) return refusal.error();
        if (*refusal) return Answer{HttpResponse{401, {}, {}}, std::move(**refusal)};
        auto response = m_http.send(attempt);
        if (!response) return response.error();
        if (retried || response->status != 401) return Answer{std::move(*response), {}};

        auto challenge = parse_challenge(response->header("www-authenticate"));
        if (!challenge) return Answer{std::move(*response), {}};
        // Try again only when the challenge changes what we would send: a first Bearer challenge
        // means fetching a token; a Basic one helps only if no credentials went the first time.
        const bool had_token = m_challenge && m_challenge->scheme == "bearer";
        const bool worth_retrying = challenge->scheme == "bearer"
                                        ? !had_token
                                        : (challenge->scheme == "basic" && !attempt.basic && m_credentials);
        m_challenge = std::move(challenge);
        if (!worth_retrying) return Answer{std::move(*response), {}};
    }
}

Expected<Access> RegistryClient::check_access(const std::string& repository) {
    const auto url = base_url() + "/v2/";
    auto answer = send(request_for("GET", url), push_scope(repository));
    if (!answer) return answer.error();
    const auto status = answer->response.status;
    if (status == 200) return Access{true, {}};
    if (refused(status)) return Access{false, refusal_detail(*answer, "GET", url)};
    return Error::failure(fmt::format("GET {} answered {}; expected 200 from a registry's /v2/ endpoint", url, status));
}

Expected<std::optional<HttpResponse>> RegistryClient::read_manifest(const std::string& method,
                                                                    const std::string& repository,
                                                                    const std::string& reference) {
    const auto url = fmt::format("{}/v2/{}/manifests/{}", base_url(), repository, reference);
    auto request = request_for(method, url);
    request.headers.emplace_back(k_manifest_accept);
    auto answer = send(request, pull_scope(repository));
    if (!answer) return answer.error();
    const auto status = answer->response.status;
    if (status == 404) return std::optional<HttpResponse>();
    if (status != 200) return unexpected_answer(*answer, method, url, "pull");
    return std::optional<HttpResponse>(std::move(answer->response));
}

Expected<std::optional<std::string>> RegistryClient::manifest_digest(const std::string& repository,
                                                                     const std::string& reference) {
    auto head = read_manifest("HEAD", repository, reference);
    if (!head) return head.error();
    if (!*head) return std::optional<std::string>();
    if (auto digest = (*head)->header("docker-content-digest"); !digest.empty()) {
        return std::optional<std::string>(std::move(digest));
    }
    // Not every registry names the digest on HEAD; then it is the hash of the manifest as served.
    auto manifest = fetch_manifest(repository, reference);
    if (!manifest) return manifest.error();
    if (!*manifest) return std::optional<std::string>();
    return std::optional<std::string>((*manifest)->digest);
}

Expected<std::optional<Manifest>> RegistryClient::fetch_manifest(const std::string& repository,
                                                               const std::string& reference) {
    auto answer = read_manifest("GET", repository, reference);
    if (!answer) return answer.error();
    if (!*answer) return std::optional<Manifest>();
    auto media_type = (*answer)->header("content-type");
    // `application/vnd.oci.image.manifest.v1+json; charset=utf-8` is the same type.
    media_type = media_type.substr(0, media_type.find(';'));
    while (!media_type.empty() && media_type.back() == ' ') media_type.pop_back();
    Manifest manifest{std::move(media_type), std::move((*answer)->body), {}};
    manifest.digest = "sha256:" + sha256_hex(manifest.body);
    if (reference.starts_with("sha256:") && manifest.digest != reference) {
        return Error::failure(fmt::format("GET {}/v2/{}/manifests/{} served a manifest whose digest is {}", base_url(),
                                          repository, reference, manifest.digest));
    }
    return std::optional<Manifest>(std::move(manifest));
}

Expected<std::string> RegistryClient::fetch_blob(const std::string& repository, const std::string& digest) {
    const auto url = fmt::format("{}/v2/{}/blobs/{}", base_url(), repository, digest);
    auto answer = send(request_for("GET", url), pull_scope(repository));
    if (!answer) return answer.error();
    if (answer->response.status != 200) return unexpected_answer(*answer, "GET", url, "pull");
    if ("sha256:" + sha256_hex(answer->response.body) != digest) {
        return Error::failure(fmt::format("GET {} served a blob that is not {}", url, digest));
    }
    return std::move(answer->response.body);
}

Status RegistryClient::upload_blob(const std::string& repository, const std::string& content) {
    const auto digest = "sha256:" + sha256_hex(content);
    const auto blob_url = fmt::format("{}/v2/{}/blobs/{}", base_url(), repository, digest);
    auto head = send(request_for("HEAD", blob_url), push_scope(repository));
    if (!head) return head.error();
    if (head->response.status == 200) return Ok{};
    const auto sessions_url = fmt::format("{}/v2/{}/blobs/uploads/", base_url(), repository);
    auto post = request_for("POST", sessions_url);
    post.body = std::string();
    auto session = send(post, push_scope(repository));
    if (!session) return session.error();
    auto location = session->response.header("location");
    if (session->response.status != 202 || location.empty()) {
        return unexpected_answer(*session, "POST", sessions_url, "push to");
    }
    if (location.starts_with('/')) location = base_url() + location;
    auto put = request_for("PUT", fmt::format("{}{}digest={}", location, location.find('?') == std::string::npos ? '?' : '&',
                                              url_encode(digest)));
    put.headers = {"Content-Type: application/octet-stream", "Expect:"};
    put.body = content;
    auto stored = send(put, push_scope(repository));
    if (!stored) return stored.error();
    // The session's URL without its query: the upload's state is no business of a message.
    if (stored->response.status != 201) {
        return unexpected_answer(*stored, "PUT", location.substr(0, location.find('?')), "push to");
    }
    return Ok{};
}

Expected<std::optional<std::string>> RegistryClient::put_manifest(const std::string& repository, const std::string& tag,
                                                                  const Manifest& manifest) {
    const auto url = fmt::format("{}/v2/{}/manifests/{}", base_url(), repository, tag);
    auto put = request_for("PUT", url);
    put.headers.push_back("Content-Type: " + manifest.media_type);
    put.headers.emplace_back("Expect:");  // a manifest is small: no round trip for 100-continue
    put.body = manifest.body;
    auto answer = send(put, push_scope(repository));
    if (!answer) return answer.error();
    const auto status = answer->response.status;
    if (status == 201 || status == 200) {
        auto stored = answer->response.header("docker-content-digest");
        return stored.empty() ? std::optional<std::string>() : std::optional<std::string>(std::move(stored));
    }
    return unexpected_answer(*answer, "PUT", url, "push to");
}

}  // namespace kaniko
