#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "util/process.hpp"

namespace kaniko {

enum class AnnotationStyle { success, info, warning, error };
std::string_view to_string(AnnotationStyle style);

// What the helper asks of the Buildkite agent. Secrets go to the agent on stdin only.
class Agent {
public:
    virtual ~Agent() = default;
    virtual Expected<std::string> request_token(std::string_view audience, int lifetime_seconds) = 0;
    // Best effort: older agents have no redactor, and the helper masks secrets in what it relays
    // regardless. Fails only when the job is cancelled meanwhile.
    virtual Status redact(const std::vector<std::string>& secrets) = 0;
    virtual Status annotate(std::string_view body, AnnotationStyle style, std::string_view context) = 0;
    // Several keys at once: each is a request to the Agent API, and they need no order.
    using MetaData = std::vector<std::pair<std::string, std::string>>;
    virtual Status set_meta_data(const MetaData& values) = 0;
    // A value per key, in their order; nothing for a key that no step of the build has set.
    virtual Expected<std::vector<std::optional<std::string>>> get_meta_data(const std::vector<std::string>& keys) = 0;
};

inline constexpr std::string_view k_kubernetes_agent = "/workspace/buildkite-agent";

// `buildkite-agent` when it is on PATH, else k_kubernetes_agent; otherwise a stand-in that prints what
// it would have sent, so that the plugin can be tried on a laptop against a local registry.
std::unique_ptr<Agent> make_agent(ProcessRunner& runner, std::ostream& log);
std::unique_ptr<Agent> make_buildkite_agent(ProcessRunner& runner, std::ostream& log,
                                            std::string program = "buildkite-agent");
std::unique_ptr<Agent> make_local_agent(std::ostream& log);

}  // namespace kaniko
