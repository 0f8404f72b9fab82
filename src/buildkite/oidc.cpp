#include "buildkite/oidc.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "util/base64.hpp"

namespace kaniko {

Argv token_request_command(std::string_view audience, int lifetime_seconds) {
    return {"buildkite-agent", "oidc", "request-token", "--audience", std::string(audience), "--lifetime",
            std::to_string(lifetime_seconds)};
}

Expected<TokenClaims> decode_token_claims(std::string_view token) {
    const auto not_a_jwt = Error::failure("the OIDC token is not a JWT (expected three base64url parts)");
    const auto first_dot = token.find('.');
    const auto second_dot = token.find('.', first_dot == std::string_view::npos ? first_dot : first_dot + 1);
    if (first_dot == std::string_view::npos || second_dot == std::string_view::npos) return not_a_jwt;
    const auto payload = base64_decode(token.substr(first_dot + 1, second_dot - first_dot - 1));
    if (!payload) return not_a_jwt;
    boost::system::error_code ec;
    const auto value = boost::json::parse(*payload, ec);
    if (ec || !value.is_object()) return not_a_jwt;
    const auto& claims = value.as_object();
    TokenClaims result;
    if (const auto* aud = claims.if_contains("aud")) {
        if (aud->is_string()) result.audience = std::string(aud->as_string());
        if (aud->is_array() && !aud->as_array().empty() && aud->as_array()[0].is_string()) {
            result.audience = std::string(aud->as_array()[0].as_string());
        }
    }
    if (const auto* exp = claims.if_contains("exp"); exp != nullptr && exp->is_number()) {
        result.expires_at = exp->to_number<std::int64_t>();
    }
    return result;
}

Status check_token_claims(const TokenClaims& claims, std::string_view audience, std::int64_t now) {
    if (claims.audience != audience) {
        return Error::failure(fmt::format("the OIDC token's audience is {}, but oidc-audience is {}; the agent issued a "
                                          "token for another registry",
                                          quote_value(claims.audience), quote_value(audience)));
    }
    if (claims.expires_at <= now) {
        return Error::failure(fmt::format("the OIDC token expired {}s ago; check the agent's clock and oidc-lifetime",
                                          now - claims.expires_at));
    }
    return Ok{};
}

}  // namespace kaniko
