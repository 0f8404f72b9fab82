#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kaniko {

// What Boost.JSON reports without a place, or accepts silently, checked on the raw text.

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence.
std::optional<std::size_t> invalid_utf8_offset(std::string_view text);

// The first object key that appears twice in the same object (Boost.JSON keeps the last one).
// `json` must be well-formed already.
std::optional<std::string> duplicate_key(std::string_view json);

}  // namespace kaniko
