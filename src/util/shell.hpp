#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kaniko {

using Argv = std::vector<std::string>;

// Quotes one word for a POSIX shell only where it needs it, so printed commands stay readable and
// can be pasted back into a terminal.
std::string shell_quote(std::string_view word);
std::string shell_join(const Argv& argv);

}  // namespace kaniko
