#include "util/environment.hpp"

#include <unistd.h>

namespace kaniko {

Environment Environment::from_process() {
    std::map<std::string, std::string, std::less<>> variables;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const auto equals = text.find('=');
        if (equals == std::string_view::npos) continue;
        variables.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
    }
    return Environment(std::move(variables));
}

std::optional<std::string> Environment::get(std::string_view name) const {
    const auto found = m_variables.find(name);
    if (found == m_variables.end() || found->second.empty()) return std::nullopt;
    return found->second;
}

bool Environment::is_set(std::string_view name) const { return m_variables.find(name) != m_variables.end(); }

}  // namespace kaniko
