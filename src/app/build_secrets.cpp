#include "app/build_secrets.hpp"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "app/credential_session.hpp"
#include "plan/plan.hpp"
#include "util/files.hpp"
#include "util/secrets.hpp"

namespace kaniko {

namespace {

// A secret file may hold several values (a .netrc, a key file): each line is masked on its own.
std::vector<Secret> secrets_in_file(const std::string& text) {
    std::vector<Secret> secrets;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        auto line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        if (!line.empty()) secrets.push_back({line, ""});
        start = end + 1;
    }
    return secrets;
}

}  // namespace

Expected<std::string> prepare_build_secrets(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay,
                                            const std::string& private_dir) {
    const auto dir = private_dir + "/secrets";
    if (plan.secrets.empty()) return dir;
    if (auto made = make_private_dir(dir); !made) return made.error();
    std::vector<Secret> values;
    std::vector<std::pair<std::string, std::string>> env_files;  // file name (the ID), value
    for (const auto& secret : plan.secrets) {
        if (secret.source == BuildSecret::Source::file) {
            const auto text = read_text_file(secret.name);
            if (!text) {
                return Error::invalid_attribute("secrets", secret.name,
                                                fmt::format("(secret {}) cannot be read on this agent", secret.id));
            }
            const auto lines = secrets_in_file(*text);
            values.insert(values.end(), lines.begin(), lines.end());
            continue;
        }
        const auto value = edges.env.get(secret.name);
        if (!value) {
            return Error::invalid_attribute("secrets", secret.name,
                                            fmt::format("(secret {}) is not set in the job environment", secret.id));
        }
        values.push_back({*value, ""});
        env_files.emplace_back(secret.id, *value);
    }
    // Masked before the executor can print any of them.
    if (auto kept = protect(edges, relay, values); !kept) return kept.error();
    for (const auto& [id, value] : env_files) {
        if (auto written = write_private_file(fmt::format("{}/{}", dir, id), value); !written) return written.error();
    }
    return dir;
}

}  // namespace kaniko
