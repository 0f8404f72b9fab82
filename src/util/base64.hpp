#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kaniko {

std::string base64_encode(std::string_view bytes);
// Accepts both alphabets (standard and URL-safe) with or without padding, as JWTs and Docker
// config files each use one of them.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace kaniko
