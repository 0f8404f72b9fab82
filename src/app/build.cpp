#include "app/build.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <ostream>

#include "annotation/annotation.hpp"
#include "buildkite/agent.hpp"
#include "buildkite/oidc.hpp"
#include "config/config.hpp"
#include "config/source.hpp"
#include "plan/docker_config.hpp"
#include "plan/plan.hpp"
#include "registry/reference.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace kaniko {

namespace {

constexpr std::size_t k_tail_lines = 25;
constexpr std::string_view k_masked = "[REDACTED]";

Expected<BuildPlan> load_plan(const Environment& env, const std::string& checkout_dir) {
    auto json = plugin_configuration_json(env);
    if (!json) return json.error();
    auto config = parse_config(*json);
    if (!config) return config.error();
    return make_plan(*config, env, checkout_dir);
}

// Lexical checks passed already; this one follows symbolic links, which only the disk knows.
Status check_build_files(const BuildPlan& plan) {
    const auto dockerfile = resolve_inside(plan.checkout_dir, plan.dockerfile);
    if (!dockerfile) {
        return Error::invalid_attribute("dockerfile", plan.dockerfile,
                                        "resolves outside the checkout through a symbolic link; keep it inside");
    }
    if (!std::filesystem::is_regular_file(*dockerfile)) {
        return Error::invalid_attribute("dockerfile", plan.dockerfile,
                                        fmt::format("does not exist in the checkout ({}); set dockerfile (relative to "
                                                    "context) to the Dockerfile's path",
                                                    plan.checkout_dir));
    }
    return Ok{};
}

std::string replace_all(std::string text, std::string_view secret, std::string_view with) {
    if (secret.empty()) return text;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + with.size())) {
        text.replace(at, secret.size(), with);
    }
    return text;
}

struct Credentials {
    std::optional<std::string> directory;
    std::string secret;  // what must never be printed: the OIDC token, when there is one
};

Expected<Credentials> prepare_credentials(const BuildPlan& plan, const BuildEnvironment& edges,
                                          const std::string& private_dir) {
    if (plan.auth == Auth::none) return Credentials{};
    Credentials credentials{private_dir + "/docker", {}};
    if (auto made = make_private_dir(*credentials.directory); !made) return made.error();
    const auto config_path = *credentials.directory + "/config.json";
    if (plan.auth == Auth::docker_config) {
        const auto text = read_text_file(plan.docker_config_source);
        if (!text) {
            return Error::failure(fmt::format(
                "auth: docker-config needs a Docker config file at {} (from DOCKER_CONFIG or HOME); run docker login, "
                "or use auth: oidc or auth: none",
                plan.docker_config_source));
        }
        fmt::print(edges.log, "kaniko: using the Docker config {}\n", plan.docker_config_source);
        if (auto written = write_private_file(config_path, *text); !written) return written.error();
        return credentials;
    }
    fmt::print(edges.log, "kaniko: requesting an OIDC token for {} (lifetime {}s)\n", plan.oidc_audience,
               plan.oidc_lifetime);
    auto token = edges.agent.request_token(plan.oidc_audience, plan.oidc_lifetime);
    if (!token) return token.error();
    edges.agent.redact(*token);
    credentials.secret = *token;
    auto written = write_private_file(
        config_path, render_docker_config(registry_host(plan.registry), k_oidc_username, credentials.secret));
    if (!written) return written.error();
    return credentials;
}

std::string trim(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
}

Status report_success(const BuildPlan& plan, const BuildEnvironment& edges, const SuccessReport& report) {
    if (report.pushed) {
        const auto pinned = fmt::format("{}@{}", plan.repository, report.digest);
        std::string tags;
        for (const auto& destination : plan.destinations) tags += (tags.empty() ? "" : "\n") + destination;
        const auto image = plan.repository.substr(plan.registry.size() + 1);
        for (const auto& [key, value] : {std::pair{std::string("kaniko-image"), pinned},
                                         {"kaniko-image:" + image, pinned},
                                         {"kaniko-digest:" + image, report.digest},
                                         {"kaniko-tags:" + image, tags}}) {
            if (auto set = edges.agent.set_meta_data(key, value); !set) return set.error();
        }
        fmt::print(edges.log, "kaniko: pushed {}\n", pinned);
    } else {
        fmt::print(edges.log, "kaniko: built {} ({}), not pushed\n", plan.repository, report.digest);
    }
    if (!plan.annotate) return Ok{};
    return edges.agent.annotate(success_annotation(report),
                                report.pushed ? AnnotationStyle::success : AnnotationStyle::info,
                                plan.annotation_context);
}

}  // namespace

std::string temp_dir_prefix(std::string_view job_scope) { return fmt::format("kaniko-buildkite-{}-", job_scope); }

Expected<std::string> describe_plan(const Environment& env, const std::string& checkout_dir) {
    auto plan = load_plan(env, checkout_dir);
    if (!plan) return plan.error();
    std::string text;
    if (plan->auth == Auth::oidc) {
        text += fmt::format("# token, written to <private-dir>/docker/config.json for {} (user {}):\n{}\n",
                            registry_host(plan->registry), k_oidc_username,
                            shell_join(token_request_command(plan->oidc_audience, plan->oidc_lifetime)));
    } else if (plan->auth == Auth::docker_config) {
        text += fmt::format("# credentials: {} copied to <private-dir>/docker/config.json\n", plan->docker_config_source);
    }
    const RuntimeDirs dirs{plan->auth == Auth::none ? std::nullopt : std::optional<std::string>("<private-dir>/docker"),
                           "<private-dir>/output"};
    text += shell_join(executor_command(*plan, dirs)) + "\n";
    return text;
}

Expected<int> run_build(const BuildEnvironment& edges) {
    const auto started = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    };
    auto plan_or_error = load_plan(edges.env, edges.checkout_dir);
    if (!plan_or_error) return plan_or_error.error();
    const BuildPlan& plan = *plan_or_error;

    fmt::print(edges.log, "~~~ :kaniko: Preparing {}\n", plan.repository);
    if (auto checked = check_build_files(plan); !checked) return checked.error();
    auto private_dir = TempDir::create(edges.temp_root, temp_dir_prefix(plan.job_scope));
    if (!private_dir) return private_dir.error();
    auto credentials = prepare_credentials(plan, edges, private_dir->path());
    if (!credentials) return credentials.error();
    const RuntimeDirs dirs{credentials->directory, private_dir->path() + "/output"};
    if (auto made = make_private_dir(dirs.output); !made) return made.error();

    fmt::print(edges.log, "--- :kaniko: Building {}\n", fmt::join(plan.destinations, ", "));
    const auto command = executor_command(plan, dirs);
    fmt::print(edges.log, "$ {}\n", shell_join(command));
    edges.log.flush();

    std::deque<std::string> tail;
    const auto on_line = [&](std::string_view raw) {
        auto line = replace_all(std::string(raw), credentials->secret, k_masked);
        edges.log << line << '\n';
        edges.log.flush();
        tail.push_back(std::move(line));
        if (tail.size() > k_tail_lines) tail.pop_front();
    };
    const auto on_signal = [&](int signal) {
        fmt::print(edges.log, "kaniko: received signal {}; stopping the executor container {}\n", signal,
                   plan.container_name);
        edges.log.flush();
        (void)edges.runner.capture({"docker", "rm", "--force", plan.container_name}, {}, Stderr::discard);
    };
    auto executor = edges.runner.stream(command, on_line, on_signal);
    if (!executor) return executor.error();
    if (executor->signal != 0) {
        return Error::failure(fmt::format("cancelled by signal {}; the executor was stopped and the credentials "
                                          "removed",
                                          executor->signal),
                              128 + executor->signal);
    }
    if (executor->exit_code != 0) {
        edges.log << "^^^ +++\n";
        fmt::print(edges.log, "kaniko: the executor exited with code {} building {}\n", executor->exit_code,
                   plan.repository);
        FailureReport report{plan.repository, plan.destinations, executor->exit_code, {tail.begin(), tail.end()},
                             plan.auth, plan.oidc_audience, plan.executor_image, elapsed()};
        if (const auto hint = failure_hint(report)) fmt::print(edges.log, "kaniko: hint: {}\n", *hint);
        if (plan.annotate) {
            if (auto annotated = edges.agent.annotate(failure_annotation(report), AnnotationStyle::error,
                                                      plan.annotation_context);
                !annotated) {
                fmt::print(edges.log, "kaniko: {}\n", annotated.error().message);
            }
        }
        return executor->exit_code;
    }

    const auto digest = trim(read_text_file(dirs.output + "/digest").value_or(""));
    if (!is_valid_digest(digest)) {
        if (plan.push) {
            return Error::failure(fmt::format("the executor exited 0 but left no image digest in {} (found {}); the "
                                              "push cannot be confirmed",
                                              k_digest_file, quote_value(digest)));
        }
    }
    const SuccessReport report{plan.repository, plan.destinations, is_valid_digest(digest) ? digest : "unknown",
                               plan.push, elapsed()};
    if (auto reported = report_success(plan, edges, report); !reported) return reported.error();
    return 0;
}

void run_cleanup(const Environment& env, ProcessRunner& runner, const std::string& temp_root, std::ostream& log) {
    const auto scope = job_scope(env);
    if (!find_program("docker").empty()) {
        // Quietly: after a normal build the container is gone already (--rm).
        (void)runner.capture({"docker", "rm", "--force", container_name_for(scope)}, {}, Stderr::discard);
    }
    for (const auto& leftover : entries_with_prefix(temp_root, temp_dir_prefix(scope))) {
        remove_tree(leftover);
        fmt::print(log, "kaniko: removed {}\n", leftover);
    }
}

}  // namespace kaniko
