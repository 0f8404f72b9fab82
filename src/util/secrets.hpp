#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kaniko {

// A credential the helper handles, with the user it is sent as (empty when it travels alone).
struct Secret {
    std::string value;
    std::string username;
};

// Shorter texts are not masked: they would hide ordinary words in the log, and are no credential.
inline constexpr std::size_t k_min_masked_length = 6;

// Every text that gives the secret away: the secret itself, base64 of `username:value` as a Docker
// config's `auth` holds it, and the base64 of the value at each of the three alignments it can
// have inside a longer encoded text (a whole config.json in base64, say), cut to the characters
// that depend on the value alone.
std::vector<std::string> secret_forms(const Secret& secret);

}  // namespace kaniko
