#include "app/executor.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <signal.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <ostream>

#include "plan/plan.hpp"
#include "util/files.hpp"
#include "util/log_relay.hpp"
#include "util/process_table.hpp"

namespace kaniko {

namespace {

// The executor's session, for pre-exit: "PID START_TIME", so that a reused PID is never taken for it.
std::string session_record(const std::string& private_dir) { return private_dir + "/executor-session"; }

constexpr std::chrono::seconds k_default_stop_grace{10};

class DockerExecutor final : public Executor {
public:
    DockerExecutor(const BuildPlan& plan, const BuildEnvironment& edges) : m_plan(plan), m_edges(edges) {}

    Status check() override {
        if (auto checked = check_mount_sources(); !checked) return checked;
        return check_engine();
    }

    Expected<Streamed> run(const Argv& command, LogRelay& relay, const std::function<void()>& on_tick,
                           const std::function<void()>& on_cancel, const std::string&) override {
        bool cancelled = false;
        const auto on_signal = [&](int signal) {
            on_cancel();
            fmt::print(m_edges.log, "kaniko: received signal {}; stopping the executor container {}\n", signal,
                       m_plan.container_name);
            m_edges.log.flush();
            cancelled = true;
            remove_container();
        };
        // After a cancel, again every second until `docker run` ends: a container that the client was
        // still creating when the signal came goes too.
        const auto tick = [&] { cancelled ? remove_container() : on_tick(); };
        auto result = m_edges.runner.stream(command, {[&](std::string_view output) { relay.feed(output); },
                                                      on_signal, tick});
        if (result && result->signal != 0) remove_container();  // the client may have started one just before
        return result;
    }

private:
    void remove_container() {
        (void)m_edges.runner.capture({"docker", "rm", "--force", m_plan.container_name}, {}, Stderr::discard,
                                     OnCancel::run);
    }

    // `docker run -v SOURCE:TARGET` splits at colons, so a source holding one would mount something else.
    Status check_mount_sources() {
        const auto colon_free = [](std::string_view what, const std::string& path, std::string_view fix) -> Status {
            if (path.find(':') == std::string::npos) return Ok{};
            return Error::invalid_attribute(what, path,
                                            fmt::format("holds ':', which docker run -v cannot mount; {}", fix));
        };
        if (auto checked = colon_free("the checkout directory", m_plan.checkout_dir, "check out to a path without ':'");
            !checked) {
            return checked;
        }
        if (auto checked = colon_free("TMPDIR", m_edges.temp_root, "set TMPDIR to a directory without ':'"); !checked) {
            return checked;
        }
        for (const auto& [host, file] : m_plan.registry_certificates) {
            const auto attribute = fmt::format("registry-certificates.{}", host);
            if (auto checked = colon_free(attribute, file, "copy the file to a path without ':'"); !checked) {
                return checked;
            }
        }
        for (std::size_t i = 0; i < m_plan.secrets.size(); ++i) {
            if (m_plan.secrets[i].source != BuildSecret::Source::file) continue;
            if (auto checked = colon_free(fmt::format("secrets[{}].file", i), m_plan.secrets[i].name,
                                          "copy the file to a path without ':'");
                !checked) {
                return checked;
            }
        }
        return Ok{};
    }

    Status check_engine() {
        auto run = m_edges.runner.capture({"docker", "version", "--format", "{{.Server.Version}}"});
        if (!run) return run.error();
        if (run->exit_code != 0) {
            const auto host = m_edges.env.get("DOCKER_HOST");
            return Error::failure(
                fmt::format("the Docker engine is unreachable (docker version exited with code {}); start dockerd, "
                            "or point DOCKER_HOST at a running engine{}",
                            run->exit_code, host ? fmt::format(" (DOCKER_HOST is {})", *host) : ""));
        }
        return Ok{};
    }

    const BuildPlan& m_plan;
    const BuildEnvironment& m_edges;
};

class LocalExecutor final : public Executor {
public:
    LocalExecutor(const BuildPlan& plan, const BuildEnvironment& edges) : m_plan(plan), m_edges(edges) {}

    Status check() override {
        if (!find_program(m_plan.executor_path).empty()) return Ok{};
        return Error::invalid_attribute("executor-path", m_plan.executor_path,
                                        "is not an executable file here; run the step in the Kaniko image (its "
                                        "-debug variant, for the hooks' shell), or use executor: docker");
    }

    Expected<Streamed> run(const Argv& command, LogRelay& relay, const std::function<void()>& on_tick,
                           const std::function<void()>& on_cancel, const std::string& private_dir) override {
        const auto grace = local_stop_grace(m_edges.env);
        const auto on_signal = [&](int signal) {
            on_cancel();
            fmt::print(m_edges.log, "kaniko: received signal {}; stopping the executor (killed in {}s)\n", signal,
                       grace.count());
            m_edges.log.flush();
        };
        StreamHandlers handlers{[&](std::string_view output) { relay.feed(output); }, on_signal, on_tick};
        handlers.stop_grace = grace;
        handlers.on_start = [&](int pid) {
            // The start time is read now, while the executor surely runs: it tells this process apart
            // from a later one given the same PID.
            const auto started = read_process(pid);
            const auto record = fmt::format("{} {}", pid, started ? started->start_time : 0);
            if (auto recorded = write_private_file(session_record(private_dir), record); !recorded) {
                fmt::print(m_edges.log, "kaniko: warning: {}\n", recorded.error().message);
            }
        };
        return m_edges.runner.stream(command, handlers);
    }

private:
    const BuildPlan& m_plan;
    const BuildEnvironment& m_edges;
};

}  // namespace

void stop_leftover_executor(const std::string& private_dir, std::ostream& log) {
    const auto recorded = read_text_file(session_record(private_dir));
    if (!recorded) return;
    int leader = 0;
    unsigned long long started = 0;
    if (std::sscanf(recorded->c_str(), "%d %llu", &leader, &started) != 2 || leader <= 1 || started == 0) return;
    // While any process of a session lives, Linux gives its number to no other process; so when the
    // leader is gone, whatever is left in that session is the build's. A leader that runs must be the
    // very process that was recorded.
    const auto table = read_process_table();
    const auto leader_now = std::find_if(table.begin(), table.end(), [&](const ProcessEntry& entry) {
        return entry.pid == leader && !entry.zombie;
    });
    if (leader_now != table.end() && (leader_now->start_time != started || leader_now->session != leader)) return;
    std::vector<int> members;
    for (const auto& entry : table) {
        if (entry.session == leader && !entry.zombie && entry.start_time >= started) members.push_back(entry.pid);
    }
    if (members.empty()) return;
    for (const int pid : members) ::kill(pid, SIGKILL);
    fmt::print(log, "kaniko: stopped {} process{} of the build that a killed helper left running (session {})\n",
               members.size(), members.size() == 1 ? "" : "es", leader);
}

std::chrono::seconds local_stop_grace(const Environment& env) {
    const auto agent_grace = env.get("BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS");
    if (!agent_grace) return k_default_stop_grace;
    int seconds = 0;
    const auto [end, error] = std::from_chars(agent_grace->data(), agent_grace->data() + agent_grace->size(), seconds);
    if (error != std::errc() || end != agent_grace->data() + agent_grace->size() || seconds < 0) {
        return k_default_stop_grace;
    }
    return std::chrono::seconds(std::max(1, seconds - 1));
}

std::unique_ptr<Executor> make_executor(const BuildPlan& plan, const BuildEnvironment& edges) {
    if (plan.executor == ExecutorKind::local) return std::make_unique<LocalExecutor>(plan, edges);
    return std::make_unique<DockerExecutor>(plan, edges);
}

}  // namespace kaniko
