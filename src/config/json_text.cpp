#include "config/json_text.hpp"

#include <boost/json.hpp>

#include <set>
#include <vector>

namespace kaniko {

std::optional<std::size_t> invalid_utf8_offset(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = byte(i);
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;  // the range of the second byte; overlongs and surrogates excluded
        if (lead < 0x80) {
            ++i;
            continue;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) low = 0xA0;
            if (lead == 0xED) high = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;
        } else {
            return i;
        }
        if (i + length > text.size()) return i;
        if (byte(i + 1) < low || byte(i + 1) > high) return i;
        for (std::size_t k = 2; k < length; ++k) {
            if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
        }
        i += length;
    }
    return std::nullopt;
}

std::optional<std::string> duplicate_key(std::string_view json) {
    struct Level {
        bool object = false;
        bool expecting_key = false;
        std::set<std::string> keys;
    };
    std::vector<Level> levels;
    for (std::size_t i = 0; i < json.size(); ++i) {
        switch (json[i]) {
        case '{': levels.push_back({true, true, {}}); break;
        case '[': levels.push_back({false, false, {}}); break;
        case '}':
        case ']':
            if (!levels.empty()) levels.pop_back();
            break;
        case ',':
            if (!levels.empty() && levels.back().object) levels.back().expecting_key = true;
            break;
        case '"': {
            auto end = i + 1;
            while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
            if (!levels.empty() && levels.back().expecting_key) {
                levels.back().expecting_key = false;
                // Compared unescaped: "a" and "\u0061" are the same key.
                boost::system::error_code ec;
                const auto key = boost::json::parse(json.substr(i, end - i + 1), ec);
                if (!ec && key.is_string()) {
                    std::string text(key.as_string());
                    if (!levels.back().keys.insert(text).second) return text;
                }
            }
            i = end;
            break;
        }
        default: break;
        }
    }
    return std::nullopt;
}

}  // namespace kaniko
