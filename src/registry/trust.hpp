#pragma once

#include <functional>
#include <optional>
#include <string>

#include "util/environment.hpp"

namespace kaniko {

// What TLS trusts when a registry has no CA file of its own (registry-certificates, --ca-file).
struct TrustStore {
    std::optional<std::string> file;       // a PEM bundle
    std::optional<std::string> directory;  // hashed certificates, as SSL_CERT_DIR names them
};

// SSL_CERT_FILE and SSL_CERT_DIR first, as OpenSSL reads them; otherwise the first bundle found
// where distributions keep one, so that a static helper built on Debian trusts the CAs of the host
// it runs on (RHEL, Alpine, the Kaniko image). `is_file` is the disk, handed in for tests.
TrustStore find_trust_store(const Environment& env, const std::function<bool(const std::string&)>& is_file);

// One line for the log: what the helper trusts, or that it falls back to libcurl's own default.
std::string describe(const TrustStore& store);

}  // namespace kaniko
