#pragma once

#include <string>
#include <string_view>

namespace kaniko {

inline constexpr std::string_view k_in_toto_payload_type = "application/vnd.in-toto+json";

// DSSE's pre-authentication encoding: what is signed, so that the payload's type is signed with it.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

// The envelope, one signature (DER, as the key made it) with no key ID: the certificate identifies it.
std::string dsse_envelope(std::string_view payload_type, std::string_view payload, std::string_view signature);

}  // namespace kaniko
