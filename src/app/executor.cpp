#include "app/executor.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <ostream>

#include "plan/plan.hpp"
#include "util/files.hpp"
#include "util/log_relay.hpp"

namespace kaniko {

namespace {

std::string group_record(const std::string& private_dir) { return private_dir + "/executor-group"; }

// The process group of a running process, from /proc/PID/stat ("PID (COMM) STATE PPID PGRP ..."), or 0.
int process_group(int pid) {
    const auto stat = read_text_file(fmt::format("/proc/{}/stat", pid));
    if (!stat) return 0;
    const auto after_comm = stat->rfind(')');
    if (after_comm == std::string::npos) return 0;
    char state = 0;
    int ppid = 0, group = 0;
    if (std::sscanf(stat->c_str() + after_comm + 1, " %c %d %d", &state, &ppid, &group) != 3 || state == 'Z') return 0;
    return group;
}

class DockerExecutor final : public Executor {
public:
    DockerExecutor(const BuildPlan& plan, const BuildEnvironment& edges) : m_plan(plan), m_edges(edges) {}

    Status check() override {
        if (auto checked = check_mount_sources(); !checked) return checked;
        return check_engine();
    }

    Expected<Streamed> run(const Argv& command, LogRelay& relay, const std::function<void()>& on_tick,
                           const std::string&) override {
        bool cancelled = false;
        const auto on_signal = [&](int signal) {
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
                           const std::string& private_dir) override {
        const auto on_signal = [&](int signal) {
            fmt::print(m_edges.log, "kaniko: received signal {}; stopping the executor (killed in {}s)\n", signal,
                       k_local_stop_grace.count());
            m_edges.log.flush();
        };
        StreamHandlers handlers{[&](std::string_view output) { relay.feed(output); }, on_signal, on_tick};
        handlers.stop_grace = k_local_stop_grace;
        handlers.on_start = [&](int pid) {
            if (auto recorded = write_private_file(group_record(private_dir), std::to_string(pid)); !recorded) {
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
    const auto recorded = read_text_file(group_record(private_dir));
    if (!recorded) return;
    int pid = 0;
    if (std::sscanf(recorded->c_str(), "%d", &pid) != 1 || pid <= 1) return;
    // Only a group led by that process: a number reused by another program is not ours to kill.
    if (process_group(pid) != pid) return;
    if (::kill(-pid, SIGKILL) == 0) {
        fmt::print(log, "kaniko: stopped the executor that a killed build left running (process group {})\n", pid);
    }
}

std::unique_ptr<Executor> make_executor(const BuildPlan& plan, const BuildEnvironment& edges) {
    if (plan.executor == ExecutorKind::local) return std::make_unique<LocalExecutor>(plan, edges);
    return std::make_unique<DockerExecutor>(plan, edges);
}

}  // namespace kaniko
