#pragma once

#include <boost/json.hpp>

#include <string_view>

namespace kaniko::testing {

// Boost.JSON compares a value with a string_view, not with a std::string: this makes the other side one.
inline boost::json::value as_json(std::string_view text) { return boost::json::string(text); }

}  // namespace kaniko::testing
