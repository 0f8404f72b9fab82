#pragma once

#include <string>
#include <string_view>

#include "sigstore/cosign.hpp"
#include "util/error.hpp"

namespace kaniko {

class HttpClient;

// The entries cosign makes: a signature over a payload's SHA-256 (hex), and a DSSE envelope. Both
// carry the signing certificate, PEM; the signature is DER.
std::string hashedrekord_entry(std::string_view payload_sha256, std::string_view signature,
                               std::string_view certificate_pem);
std::string dsse_entry(std::string_view envelope, std::string_view certificate_pem);

// POST /api/v1/log/entries answers {"<uuid>": {body, integratedTime, logID, logIndex, verification}}.
Expected<LogEntry> read_log_entry_answer(long status, std::string_view body, std::string_view url);

Expected<LogEntry> record_entry(HttpClient& http, std::string_view rekor_url, std::string entry);

}  // namespace kaniko
