// A registry's WWW-Authenticate header.
#include "fuzz.hpp"
#include "registry/challenge.hpp"

using namespace kaniko;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto challenge = parse_challenge(fuzz::text_of(data, size));
    if (challenge && challenge->scheme.empty()) std::abort();
    if (challenge) (void)challenge->param("realm");
    return 0;
}
