#pragma once

#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaniko {

class HttpClient;

inline constexpr std::string_view k_sigstore_audience = "sigstore";  // Fulcio's client ID

// What Fulcio issued: the short-lived leaf certifying the key, and the chain up to its root, PEM.
struct CertificateChain {
    std::string leaf;
    std::string chain;
};

// POST /api/v2/signingCert: the token, the public key and the proof of possession (the token's
// `sub` signed with the key, base64).
std::string signing_cert_request(std::string_view token, std::string_view public_key_pem, std::string_view proof);
// Fulcio's answer; a refusal is one line with its message and what to check.
Expected<CertificateChain> read_signing_cert_answer(long status, std::string_view body, std::string_view url);

Expected<CertificateChain> request_certificate(HttpClient& http, std::string_view fulcio_url, std::string_view token,
                                               std::string_view public_key_pem, std::string_view proof);

}  // namespace kaniko
