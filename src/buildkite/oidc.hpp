#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.hpp"
#include "util/shell.hpp"

namespace kaniko {

Argv token_request_command(std::string_view audience, int lifetime_seconds);

// What a JWT says about itself. The signature is the registry's business; the helper reads the
// claims only to explain a rejected token before a build is wasted on it.
struct TokenClaims {
    std::string audience;  // the first, when `aud` is an array
    std::int64_t expires_at = 0;
    std::string subject;  // `sub`: what Fulcio's proof of possession signs
    std::string issuer;   // `iss`: what a certificate's verifier names
};
Expected<TokenClaims> decode_token_claims(std::string_view token);

// Refuses a token the registry would refuse anyway, saying why: another audience, or expired.
Status check_token_claims(const TokenClaims& claims, std::string_view audience, std::int64_t now);

}  // namespace kaniko
