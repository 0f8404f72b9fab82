#include "buildkite/oidc.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "util/base64.hpp"

namespace kaniko {

Argv token_request_command(std::string_view audience, int lifetime_seconds) {
    return {"buildkite-agent", "oidc", "request-token", "--audience", std::string(audience), "--lifetime",
            std::to_string(lifetime_seconds)};
}

namespace {

// A NumericDate may have a fraction (RFC 7519) or be out of any range; it is clamped, never thrown on.
std::int64_t numeric_date(const boost::json::value& value) {
    constexpr auto latest = std::numeric_limits<std::int64_t>::max();
    constexpr auto earliest = std::numeric_limits<std::int64_t>::min();
    if (value.is_int64()) return value.as_int64();
    if (value.is_uint64()) return static_cast<std::int64_t>(std::min<std::uint64_t>(value.as_uint64(), latest));
    const double seconds = value.as_double();
    if (seconds >= 9.2e18) return latest;
    if (seconds <= -9.2e18) return earliest;
    return static_cast<std::int64_t>(seconds);
}

}  // namespace

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
        result.expires_at = numeric_date(*exp);
    }
    for (auto [name, field] : {std::pair{"sub", &result.subject}, std::pair{"iss", &result.issuer}}) {
        if (const auto* claim = claims.if_contains(name); claim != nullptr && claim->is_string()) {
            *field = std::string(claim->as_string());
        }
    }
    return result;
}

Status check_token_claims(const TokenClaims& claims, std::string_view audience, std::int64_t now) {
    // The difference of two int64 values can overflow; as unsigned it wraps to the right answer.
    const auto seconds_ago = static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(claims.expires_at);
    if (claims.audience != audience) {
        return Error::failure(fmt::format("the OIDC token's audience is {}, but oidc-audience is {}; the agent issued a "
                                          "token for another registry",
                                          quote_value(claims.audience), quote_value(audience)));
    }
    if (claims.expires_at <= now) {
        return Error::failure(fmt::format("the OIDC token expired {}s ago; check the agent's clock and oidc-lifetime",
                                          seconds_ago));
    }
    return Ok{};
}

}  // namespace kaniko
