#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "registry/credentials.hpp"
#include "registry/trust.hpp"
#include "util/error.hpp"

namespace kaniko {

struct HttpRequest {
    std::string method = "GET";  // GET, HEAD, PUT or POST
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::optional<std::string> body;   // what a PUT or POST sends
    std::optional<BasicCredentials> basic;
    std::optional<std::string> ca_file;  // trust this CA instead of the system store
};

struct HttpResponse {
    long status = 0;
    std::multimap<std::string, std::string> headers;  // names lowercase
    std::string body;

    std::string header(const std::string& lowercase_name) const;
};

// An interface so that the registry protocol can be tested without a network. A response with any
// status is a value; an Error means no response arrived.
class HttpClient {
public:
    virtual ~HttpClient() = default;
    virtual Expected<HttpResponse> send(const HttpRequest& request) = 0;
};

struct HttpTimeouts {
    std::chrono::milliseconds connect{10'000};
    std::chrono::milliseconds total{60'000};
};

// libcurl, one easy handle reused so that connections and TLS sessions are kept between requests.
class CurlHttpClient final : public HttpClient {
public:
    // `trust` is used for every request that names no CA file of its own.
    explicit CurlHttpClient(TrustStore trust = {}, HttpTimeouts timeouts = {});
    ~CurlHttpClient() override;
    CurlHttpClient(const CurlHttpClient&) = delete;
    CurlHttpClient& operator=(const CurlHttpClient&) = delete;

    Expected<HttpResponse> send(const HttpRequest& request) override;

private:
    struct Handle;
    std::unique_ptr<Handle> m_handle;
    TrustStore m_trust;
    HttpTimeouts m_timeouts;
};

struct RetryPolicy {
    int attempts = 4;
    std::chrono::milliseconds first_backoff{250};  // doubled after each failed attempt
};

// Retries what may pass: no response at all, and 5xx. Never a 4xx: those are answers.
class RetryingHttpClient final : public HttpClient {
public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    RetryingHttpClient(HttpClient& inner, RetryPolicy policy, Sleep sleep);
    Expected<HttpResponse> send(const HttpRequest& request) override;

private:
    HttpClient& m_inner;
    RetryPolicy m_policy;
    Sleep m_sleep;
};

}  // namespace kaniko
