#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kaniko {

// A snapshot of the job's environment, so that pure code can read it without touching the process.
class Environment {
public:
    Environment() = default;
    explicit Environment(std::map<std::string, std::string, std::less<>> variables)
        : m_variables(std::move(variables)) {}

    static Environment from_process();

    // Unset and empty read the same: an empty variable in a pipeline means "not given".
    std::optional<std::string> get(std::string_view name) const;
    bool is_set(std::string_view name) const;
    bool flag(std::string_view name) const { return get(name) == "1"; }
    const std::map<std::string, std::string, std::less<>>& all() const { return m_variables; }

private:
    std::map<std::string, std::string, std::less<>> m_variables;
};

}  // namespace kaniko
