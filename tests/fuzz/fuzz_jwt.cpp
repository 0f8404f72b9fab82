// An OIDC token's claims, as the helper reads them to explain a refusal before the build.
#include "buildkite/oidc.hpp"
#include "fuzz.hpp"

using namespace kaniko;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto claims = decode_token_claims(fuzz::text_of(data, size));
    if (!claims) {
        fuzz::require_readable(claims.error());
        return 0;
    }
    if (const auto checked = check_token_claims(*claims, "https://packages.buildkite.com/acme/images", 1700000000);
        !checked) {
        fuzz::require_readable(checked.error());
    }
    return 0;
}
