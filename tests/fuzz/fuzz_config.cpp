// The plugin configuration, as JSON (BUILDKITE_PLUGIN_CONFIGURATION) or as flattened variables
// (one `SUFFIX=value` per line for BUILDKITE_PLUGIN_KANIKO_<SUFFIX>), through validation and the
// plan: the first byte picks which.
#include <map>
#include <string>

#include "config/config.hpp"
#include "config/source.hpp"
#include "fuzz.hpp"
#include "plan/plan.hpp"

using namespace kaniko;

namespace {

std::map<std::string, std::string, std::less<>> job_variables() {
    return {{"BUILDKITE_ORGANIZATION_SLUG", "acme"}, {"BUILDKITE_COMMIT", "0123456789abcdef"},
            {"BUILDKITE_BUILD_NUMBER", "7"}, {"BUILDKITE_JOB_ID", "0190-job"}, {"HOME", "/home/agent"},
            {"NPM_TOKEN", "x"}};
}

Expected<std::string> configuration(std::string_view input) {
    auto variables = job_variables();
    if (input.empty() || (input.front() & 1) == 0) {
        variables["BUILDKITE_PLUGIN_CONFIGURATION"] = std::string(input.substr(input.empty() ? 0 : 1));
    } else {
        input.remove_prefix(1);
        while (!input.empty()) {
            const auto newline = input.find('\n');
            const auto line = input.substr(0, newline);
            input = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
            const auto equals = line.find('=');
            if (equals == std::string_view::npos) continue;
            variables["BUILDKITE_PLUGIN_KANIKO_" + std::string(line.substr(0, equals))] = std::string(line.substr(equals + 1));
        }
    }
    return plugin_configuration_json(Environment(variables));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto json = configuration(fuzz::text_of(data, size));
    if (!json) {
        fuzz::require_readable(json.error());
        return 0;
    }
    const auto config = parse_config(*json);
    if (!config) {
        fuzz::require_readable(config.error());
        return 0;
    }
    const auto plan = make_plan(*config, Environment(job_variables()), "/builds/acme/app");
    if (!plan) {
        fuzz::require_readable(plan.error());
        return 0;
    }
    // A valid configuration never yields an empty argument or one that could be taken for two.
    for (const auto& argument : executor_command(*plan, {"/private/docker", "/private/output"})) {
        if (argument.empty()) std::abort();
    }
    return 0;
}
