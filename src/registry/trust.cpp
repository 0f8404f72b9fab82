#include "registry/trust.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace kaniko {

namespace {

constexpr std::array<std::string_view, 6> k_bundles{
    "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Alpine
    "/etc/pki/tls/certs/ca-bundle.crt",                   // RHEL, Fedora, Amazon Linux
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL, where the link above is missing
    "/etc/ssl/ca-bundle.pem",                             // openSUSE
    "/etc/ssl/cert.pem",                                  // Alpine, and most BSD-derived layouts
    "/kaniko/ssl/certs/ca-certificates.crt",              // the Kaniko executor image
};

}  // namespace

TrustStore find_trust_store(const Environment& env, const std::function<bool(const std::string&)>& is_file) {
    TrustStore store;
    store.directory = env.get("SSL_CERT_DIR");
    if (const auto file = env.get("SSL_CERT_FILE")) {
        store.file = *file;
        return store;
    }
    for (const auto bundle : k_bundles) {
        if (is_file(std::string(bundle))) {
            store.file = std::string(bundle);
            break;
        }
    }
    return store;
}

std::string describe(const TrustStore& store) {
    if (!store.file && !store.directory) return "TLS trusts libcurl's default CA store (no CA bundle was found)";
    std::string text = "TLS trusts";
    if (store.file) text += fmt::format(" the CA bundle {}", *store.file);
    if (store.directory) text += fmt::format("{} the CA directory {}", store.file ? " and" : "", *store.directory);
    return text;
}

}  // namespace kaniko
