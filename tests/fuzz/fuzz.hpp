#pragma once

// Shared by the libFuzzer targets: what must hold for any input, beyond "no crash".

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "util/error.hpp"

namespace kaniko::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Bad input gets a clear one-line error: no newline, and short enough to read however long the input.
inline void require_readable(const Error& error) {
    if (error.message.empty() || error.message.find('\n') != std::string::npos || error.message.size() > 2000) {
        std::abort();
    }
}

}  // namespace kaniko::fuzz
