#include "buildkite/agent.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <ostream>

#include "buildkite/oidc.hpp"

namespace kaniko {

namespace {

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return text;
}

class BuildkiteAgent final : public Agent {
public:
    BuildkiteAgent(ProcessRunner& runner, std::ostream& log, std::string program)
        : m_runner(runner), m_log(log), m_program(std::move(program)) {}

    Expected<std::string> request_token(std::string_view audience, int lifetime_seconds) override {
        auto run = m_runner.capture(agent_command(token_request_command(audience, lifetime_seconds)));
        if (!run) return run.error();
        if (run->exit_code != 0) {
            return Error::failure(fmt::format(
                "buildkite-agent oidc request-token --audience {} failed (exit {}); check that the agent may request "
                "OIDC tokens and that the audience is the registry's URL",
                audience, run->exit_code));
        }
        auto token = trimmed(std::move(run->output));
        if (token.empty()) return Error::failure("buildkite-agent oidc request-token returned no token");
        return token;
    }

    Status redact(const std::vector<std::string>& secrets) override {
        if (secrets.empty()) return Ok{};
        // One call for all of them: a JSON object whose every value the agent redacts.
        boost::json::object values;
        for (std::size_t i = 0; i < secrets.size(); ++i) values[fmt::format("kaniko-{}", i)] = secrets[i];
        const auto run = m_runner.capture(agent_command({"buildkite-agent", "redactor", "add", "--format", "json"}),
                                          boost::json::serialize(values));
        if (!run && run.error().is_cancellation()) return run.error();
        if (!run || run->exit_code != 0) {
            fmt::print(m_log, "kaniko: this agent cannot add secrets to its redactor (a newer agent has it); "
                              "the token is kept out of the log regardless\n");
        }
        return Ok{};
    }

    Status annotate(std::string_view body, AnnotationStyle style, std::string_view context) override {
        return checked(m_runner.capture(agent_command({"buildkite-agent", "annotate", "--style",
                                                       std::string(to_string(style)), "--context",
                                                       std::string(context)}),
                                        body),
                       "annotate");
    }

    // The value goes on stdin: the command line is for names, not data.
    Status set_meta_data(const MetaData& values) override {
        std::vector<CaptureCall> calls;
        for (const auto& [key, value] : values) {
            calls.push_back({agent_command({"buildkite-agent", "meta-data", "set", key}), value});
        }
        for (const auto& run : m_runner.capture_all(calls)) {
            if (auto set = checked(run, "meta-data set"); !set) return set;
        }
        return Ok{};
    }

    // With --default the agent prints it for a key nobody set (the API's 404), and fails for
    // anything else: one call per key. No step can set an empty value, so empty means unset.
    Expected<std::vector<std::optional<std::string>>> get_meta_data(const std::vector<std::string>& keys) override {
        std::vector<CaptureCall> calls;
        for (const auto& key : keys) {
            calls.push_back({agent_command({"buildkite-agent", "meta-data", "get", "--default", "", key}), {}});
        }
        auto runs = m_runner.capture_all(calls);
        std::vector<std::optional<std::string>> values;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (!runs[i]) return runs[i].error();
            if (runs[i]->exit_code != 0) {
                return Error::failure(fmt::format("buildkite-agent meta-data get {} failed (exit {})", keys[i],
                                                  runs[i]->exit_code));
            }
            auto value = trimmed(std::move(runs[i]->output));
            values.push_back(value.empty() ? std::nullopt : std::optional<std::string>(std::move(value)));
        }
        return values;
    }

private:
    // The same command with the agent this helper found (on agent-stack-k8s, /workspace/buildkite-agent).
    Argv agent_command(Argv argv) const {
        argv.front() = m_program;
        return argv;
    }

    static Status checked(const Expected<Captured>& run, std::string_view what) {
        if (!run) return run.error();
        if (run->exit_code != 0) {
            return Error::failure(fmt::format("buildkite-agent {} failed (exit {})", what, run->exit_code));
        }
        return Ok{};
    }

    ProcessRunner& m_runner;
    std::ostream& m_log;
    std::string m_program;
};

class LocalAgent final : public Agent {
public:
    explicit LocalAgent(std::ostream& log) : m_log(log) {}

    Expected<std::string> request_token(std::string_view, int) override {
        return Error::failure(
            "auth: oidc needs buildkite-agent, which is not on PATH; outside Buildkite use auth: docker-config (after "
            "docker login) or auth: none");
    }

    Status redact(const std::vector<std::string>&) override { return Ok{}; }

    Status annotate(std::string_view body, AnnotationStyle style, std::string_view context) override {
        fmt::print(m_log, "kaniko: not running under Buildkite; the {} annotation ({}) would read:\n{}\n",
                   to_string(style), context, body);
        return Ok{};
    }

    Status set_meta_data(const MetaData& values) override {
        for (const auto& [key, value] : values) {
            fmt::print(m_log, "kaniko: not running under Buildkite; meta-data {} would be {}\n", key, value);
        }
        return Ok{};
    }

    Expected<std::vector<std::optional<std::string>>> get_meta_data(const std::vector<std::string>& keys) override {
        return Error::failure(fmt::format("reading meta-data {} needs buildkite-agent, which is not on PATH; an index "
                                          "step runs in a Buildkite build, after the steps that built its platforms",
                                          fmt::join(keys, ", ")));
    }

private:
    std::ostream& m_log;
};

}  // namespace

std::string_view to_string(AnnotationStyle style) {
    switch (style) {
    case AnnotationStyle::success: return "success";
    case AnnotationStyle::info: return "info";
    case AnnotationStyle::warning: return "warning";
    case AnnotationStyle::error: return "error";
    }
    return "info";
}

std::unique_ptr<Agent> make_agent(ProcessRunner& runner, std::ostream& log) {
    if (!find_program("buildkite-agent").empty()) return make_buildkite_agent(runner, log);
    // agent-stack-k8s copies the agent into the step's container here, off PATH.
    if (!find_program(k_kubernetes_agent).empty()) return make_buildkite_agent(runner, log, std::string(k_kubernetes_agent));
    return make_local_agent(log);
}

std::unique_ptr<Agent> make_buildkite_agent(ProcessRunner& runner, std::ostream& log, std::string program) {
    return std::make_unique<BuildkiteAgent>(runner, log, std::move(program));
}

std::unique_ptr<Agent> make_local_agent(std::ostream& log) { return std::make_unique<LocalAgent>(log); }

}  // namespace kaniko
