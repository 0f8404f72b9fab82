#pragma once

#include <string>
#include <string_view>

namespace kaniko {

// Lowercase hex SHA-256 of `bytes` (FIPS 180-4); a manifest's digest when the registry sends none.
std::string sha256_hex(std::string_view bytes);

}  // namespace kaniko
