#include "registry/http.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cctype>

namespace kaniko {

namespace {

struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

// A move-only curl_slist; `add` checks curl_slist_append, which returns NULL and leaves the old
// list alone when it fails.
class HeaderList {
public:
    HeaderList() = default;
    HeaderList(const HeaderList&) = delete;
    HeaderList& operator=(const HeaderList&) = delete;
    ~HeaderList() { curl_slist_free_all(m_list); }

    bool add(const std::string& header) {
        curl_slist* grown = curl_slist_append(m_list, header.c_str());
        if (grown == nullptr) return false;
        m_list = grown;
        return true;
    }
    curl_slist* get() const { return m_list; }

private:
    curl_slist* m_list = nullptr;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* target) {
    static_cast<HttpResponse*>(target)->body.append(data, size * count);
    return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* target) {
    auto& response = *static_cast<HttpResponse*>(target);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        response.headers.clear();  // a new response after a redirect or 100 Continue
        return size * count;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name;
        for (const char c : line.substr(0, colon)) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
        response.headers.emplace(std::move(name), std::string(value));
    }
    return size * count;
}

}  // namespace

std::string HttpResponse::header(const std::string& lowercase_name) const {
    const auto found = headers.find(lowercase_name);
    return found == headers.end() ? std::string() : found->second;
}

struct CurlHttpClient::Handle {
    std::unique_ptr<CURL, CurlDeleter> curl{curl_easy_init()};
};

CurlHttpClient::CurlHttpClient(TrustStore trust, HttpTimeouts timeouts)
    : m_handle(std::make_unique<Handle>()), m_trust(std::move(trust)), m_timeouts(timeouts) {
    // The handle is reused and its options persist, so every request sets both CA options; where
    // the store found nothing, libcurl's built-in default stands in.
    const char* path = nullptr;
    if (!m_trust.file && curl_easy_getinfo(m_handle->curl.get(), CURLINFO_CAINFO, &path) == CURLE_OK && path != nullptr) {
        m_trust.file = path;
    }
    path = nullptr;
    if (!m_trust.directory && curl_easy_getinfo(m_handle->curl.get(), CURLINFO_CAPATH, &path) == CURLE_OK &&
        path != nullptr) {
        m_trust.directory = path;
    }
}

CurlHttpClient::~CurlHttpClient() = default;

Expected<HttpResponse> CurlHttpClient::send(const HttpRequest& request) {
    CURL* curl = m_handle->curl.get();
    if (curl == nullptr) return Error::failure("libcurl could not be initialised");
    curl_easy_reset(curl);  // keeps the connection and TLS session caches

    HttpResponse response;
    HeaderList headers;
    for (const auto& header : request.headers) {
        if (!headers.add(header)) return Error::failure("out of memory building an HTTP request");
    }
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_timeouts.connect.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_timeouts.total.count()));
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "kaniko-buildkite-plugin");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
    if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (request.method != "GET" && request.method != "HEAD") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (request.body) {
        // libcurl sends these bytes as they are, without copying; the request outlives the transfer.
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    }
    if (request.basic) {
        // Credentials go to libcurl, never into the URL, so no error message can carry them.
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, request.basic->username.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, request.basic->password.c_str());
    }
    // A registry's own CA replaces the store; otherwise the store, found where the host keeps it.
    const auto& ca_file = request.ca_file ? request.ca_file : m_trust.file;
    const auto& ca_directory = request.ca_file ? std::nullopt : m_trust.directory;
    curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file ? ca_file->c_str() : nullptr);
    curl_easy_setopt(curl, CURLOPT_CAPATH, ca_directory ? ca_directory->c_str() : nullptr);

    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        return Error::failure(fmt::format("{} {} failed: {}", request.method, request.url,
                                          error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code)));
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

RetryingHttpClient::RetryingHttpClient(HttpClient& inner, RetryPolicy policy, Sleep sleep)
    : m_inner(inner), m_policy(policy), m_sleep(std::move(sleep)) {}

Expected<HttpResponse> RetryingHttpClient::send(const HttpRequest& request) {
    auto backoff = m_policy.first_backoff;
    for (int attempt = 1;; ++attempt) {
        auto response = m_inner.send(request);
        const bool worth_retrying = !response || response->status >= 500;
        if (!worth_retrying || attempt >= m_policy.attempts) return response;
        m_sleep(backoff);
        backoff *= 2;
    }
}

}  // namespace kaniko
