#include "app/build.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cctype>
#include <chrono>
#include <ostream>
#include <vector>

#include "annotation/annotation.hpp"
#include "app/build_secrets.hpp"
#include "app/credential_session.hpp"
#include "app/executor.hpp"
#include "app/preconditions.hpp"
#include "buildkite/agent.hpp"
#include "buildkite/oidc.hpp"
#include "config/config.hpp"
#include "config/source.hpp"
#include "plan/docker_config.hpp"
#include "plan/plan.hpp"
#include "registry/client.hpp"
#include "registry/reference.hpp"
#include "util/files.hpp"
#include "util/log_relay.hpp"
#include "util/process.hpp"

namespace kaniko {

namespace {

constexpr std::size_t k_tail_lines = 25;
// As far back as the relay keeps (32 KiB): the failed RUN may have printed much since it started.
constexpr std::size_t k_scanned_lines = 2000;

// What `executor: auto` decides by, looked up here so that the plan itself stays pure.
HostFacts host_facts(const Config& config) {
    return {!find_program("docker").empty(), !find_program(config.executor_path).empty()};
}

Expected<BuildPlan> load_plan(const Environment& env, const std::string& checkout_dir) {
    auto json = plugin_configuration_json(env);
    if (!json) return json.error();
    auto config = parse_config(*json);
    if (!config) return config.error();
    return make_plan(*config, env, checkout_dir, host_facts(*config));
}

Status preflight(const BuildPlan& plan, const BuildEnvironment& edges, RegistryClient& client) {
    auto access = client.check_access(plan.api_repository);
    if (!access) {
        return Error::failure(fmt::format("pre-flight: {}; check that the registry is up and reachable from the agent "
                                          "(set preflight: false to skip this check)",
                                          access.error().message));
    }
    if (access->granted) {
        fmt::print(edges.log, "kaniko: pre-flight: {} accepts the credentials for {}\n", client.base_url(),
                   plan.api_repository);
        return Ok{};
    }
    const RefusalReport report{access->detail, plan.auth, plan.oidc_audience, registry_host(plan.registry)};
    return Error::failure(fmt::format("pre-flight: the registry refused the credentials ({}). {}", access->detail,
                                      refusal_advice(report)));
}

// The digest every destination tag already points to, when they all exist and agree.
Expected<std::optional<std::string>> existing_digest(const BuildPlan& plan, RegistryClient& client) {
    std::optional<std::string> common;
    for (const auto& tag : plan.tags) {
        auto digest = client.manifest_digest(plan.api_repository, tag);
        if (!digest) return digest.error();
        if (!*digest || (common && *common != **digest)) return std::optional<std::string>();
        common = **digest;
    }
    return common;
}

// Kaniko writes its digest file before it knows the push succeeded; the registry has the last word.
Status verify_push(const BuildPlan& plan, const std::string& digest, RegistryClient& client) {
    for (std::size_t i = 0; i < plan.tags.size(); ++i) {
        auto found = client.manifest_digest(plan.api_repository, plan.tags[i]);
        if (!found) return Error::failure(fmt::format("verification: {}", found.error().message));
        if (!*found) {
            return Error::failure(fmt::format("verification: {} is not in the registry after the push (the executor "
                                              "reported {}); check the executor's log for push errors",
                                              plan.destinations[i], digest));
        }
        if (**found != digest) {
            return Error::failure(fmt::format("verification: {} points to {}, not to {} that the executor pushed; "
                                              "another build may have pushed the same tag",
                                              plan.destinations[i], **found, digest));
        }
    }
    return Ok{};
}

std::string trim(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
}

std::chrono::seconds seconds_since(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
}

// Annotations report on a build; failing to post one is worth a line in the log, not a red step.
void annotate_or_warn(const BuildPlan& plan, const BuildEnvironment& edges, const std::string& body,
                      AnnotationStyle style) {
    if (!plan.annotate) return;
    if (auto annotated = edges.agent.annotate(body, style, plan.annotation_context); !annotated) {
        fmt::print(edges.log, "kaniko: warning: {}\n", annotated.error().message);
    }
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
    annotate_or_warn(plan, edges, success_annotation(report),
                     report.pushed ? AnnotationStyle::success : AnnotationStyle::info);
    return Ok{};
}

}  // namespace

// `+` never occurs in a job scope, so one job's prefix is never the start of another's name.
std::string temp_dir_prefix(std::string_view job_scope) { return fmt::format("kaniko-buildkite-{}+", job_scope); }

Status validate_configuration(const Environment& env, const std::string& checkout_dir) {
    auto plan = load_plan(env, checkout_dir);
    if (!plan) return plan.error();
    return Ok{};
}

Expected<std::string> describe_plan(const Environment& env, const std::string& checkout_dir) {
    auto plan = load_plan(env, checkout_dir);
    if (!plan) return plan.error();
    if (auto checked = check_preconditions(*plan, env); !checked) return checked.error();
    const bool local = plan->executor == ExecutorKind::local;
    std::string text;
    if (plan->auth == Auth::oidc) {
        const auto where = local ? fmt::format("{}/config.json (what was there is put back afterwards)",
                                               plan->local_docker_config_dir)
                                 : std::string("<private-dir>/docker/config.json");
        text += fmt::format("# token, written to {} for {} (user {}):\n{}\n", where, registry_host(plan->registry),
                            k_oidc_username, shell_join(token_request_command(plan->oidc_audience, plan->oidc_lifetime)));
    } else if (plan->auth == Auth::docker_config) {
        text += local ? fmt::format("# credentials: {}, read by the executor where it is\n", plan->docker_config_source)
                      : fmt::format("# credentials: {} copied to <private-dir>/docker/config.json\n",
                                    plan->docker_config_source);
    }
    const bool mounted = plan->auth != Auth::none && !local;
    const RuntimeDirs dirs{mounted ? std::optional<std::string>("<private-dir>/docker") : std::nullopt,
                           "<private-dir>/output", "<private-dir>/secrets"};
    text += shell_join(executor_command(*plan, dirs)) + "\n";
    if (plan->push) {
        std::vector<std::string> checks;
        if (plan->preflight) checks.push_back("pre-flight (" + push_scope(plan->api_repository) + ")");
        if (plan->skip_if_exists) checks.emplace_back("skip-if-exists");
        if (plan->verify) checks.emplace_back("verify each tag's digest after the push");
        if (!checks.empty()) {
            text += fmt::format("# registry checks against {}: {}\n", registry_host(plan->registry), fmt::join(checks, ", "));
        }
    }
    return text;
}

namespace {

using Clock = std::chrono::steady_clock;

// Whatever would stop the build is found before a token is requested.
Status check_before_credentials(const BuildPlan& plan, const BuildEnvironment& edges, Executor& executor) {
    if (auto checked = check_preconditions(plan, edges.env); !checked) return checked;
    if (auto checked = executor.check(); !checked) return checked;
    if (plan.verbosity == "debug" || plan.verbosity == "trace") fmt::print(edges.log, "kaniko: {}\n", edges.trust);
    return Ok{};
}

RegistryClient registry_client(const BuildPlan& plan, const BuildEnvironment& edges, const CredentialSession& session) {
    return RegistryClient(edges.http,
                          endpoint_for(registry_host(plan.registry), plan.registry_certificates, plan.insecure_registries),
                          session.registry_login());
}

bool registry_checks(const BuildPlan& plan, const CredentialSession& session) {
    return plan.push && session.registry_checks();
}

// Pre-flight, then skip-if-exists: the digest every tag already points to, when the build can be skipped.
Expected<std::optional<std::string>> check_registry(const BuildPlan& plan, const BuildEnvironment& edges,
                                                    const CredentialSession& session) {
    if (!registry_checks(plan, session)) return std::optional<std::string>();
    auto registry = registry_client(plan, edges, session);
    if (plan.preflight) {
        if (auto checked = preflight(plan, edges, registry); !checked) return checked.error();
    }
    if (!plan.skip_if_exists) return std::optional<std::string>();
    return existing_digest(plan, registry);
}

Expected<Streamed> run_executor(const BuildPlan& plan, const BuildEnvironment& edges, Executor& executor,
                                CredentialSession& session, LogRelay& relay, const RuntimeDirs& dirs,
                                const std::string& private_dir) {
    fmt::print(edges.log, "--- :kaniko: Building {}\n", fmt::join(plan.destinations, ", "));
    const auto command = executor_command(plan, dirs);
    fmt::print(edges.log, "$ {}\n", shell_join(command));
    edges.log.flush();
    auto result = executor.run(
        command, relay, [&] { session.refresh_if_due(); }, [&] { session.withdraw(); }, private_dir);
    relay.finish();
    return result;
}

int report_failure(const BuildPlan& plan, const BuildEnvironment& edges, const LogRelay& relay, int exit_code,
                   std::chrono::seconds elapsed) {
    edges.log << "^^^ +++\n";
    fmt::print(edges.log, "kaniko: the executor exited with code {} building {}\n", exit_code, plan.repository);
    const auto& executor = plan.executor == ExecutorKind::docker ? plan.executor_image : plan.executor_path;
    FailureReport report{plan.repository, plan.destinations, exit_code, relay.last_lines(k_tail_lines),
                         read_kaniko_failure(relay.last_lines(k_scanned_lines)), plan.auth, plan.oidc_audience,
                         executor, elapsed};
    if (const auto failed = failed_instruction_line(report.kaniko)) fmt::print(edges.log, "kaniko: {}\n", *failed);
    if (const auto hint = failure_hint(report)) fmt::print(edges.log, "kaniko: hint: {}\n", *hint);
    annotate_or_warn(plan, edges, failure_annotation(report), AnnotationStyle::error);
    return exit_code;
}

// Kaniko writes its digest file before it knows the push succeeded; the registry has the last word.
Expected<std::string> confirm_push(const BuildPlan& plan, const BuildEnvironment& edges,
                                   const CredentialSession& session, const RuntimeDirs& dirs) {
    const auto digest = trim(read_text_file(dirs.output + "/digest").value_or(""));
    if (!is_valid_digest(digest)) {
        if (!plan.push) return std::string("unknown");
        return Error::failure(fmt::format("the executor exited 0 but left no image digest in {} (found {}); the push "
                                          "cannot be confirmed",
                                          plan.executor == ExecutorKind::docker ? std::string(k_digest_file)
                                                                                : dirs.output + "/digest",
                                          quote_value(digest)));
    }
    if (registry_checks(plan, session) && plan.verify) {
        auto verifier = registry_client(plan, edges, session);
        if (auto verified = verify_push(plan, digest, verifier); !verified) return verified.error();
        fmt::print(edges.log, "kaniko: verified: every tag points to {}\n", digest);
    }
    return digest;
}

Expected<int> build_planned(const BuildPlan& plan, const BuildEnvironment& edges, Clock::time_point started) {
    const auto elapsed = [&] { return seconds_since(started); };
    fmt::print(edges.log, "~~~ :kaniko: Preparing {}\n", plan.repository);
    auto executor = make_executor(plan, edges);
    if (auto checked = check_before_credentials(plan, edges, *executor); !checked) return checked.error();
    auto private_dir = TempDir::create(edges.temp_root, temp_dir_prefix(plan.job_scope));
    if (!private_dir) return private_dir.error();
    // The relay knows every secret from the moment one exists: it carries the executor's output.
    LogRelay relay([&](std::string_view text) {
        edges.log.write(text.data(), static_cast<std::streamsize>(text.size()));
        edges.log.flush();
    });
    auto session = CredentialSession::open(plan, edges, relay, private_dir->path());
    if (!session) return session.error();
    if (auto checked = (*session)->check_token(); !checked) return checked.error();

    auto existing = check_registry(plan, edges, **session);
    if (!existing) return existing.error();
    if (*existing) {
        fmt::print(edges.log, "kaniko: skip-if-exists: every tag already points to {}; not building\n", **existing);
        SuccessReport report{plan.repository, plan.destinations, **existing, true, elapsed()};
        report.skipped = true;
        if (auto reported = report_success(plan, edges, report); !reported) return reported.error();
        return 0;
    }

    auto secrets = prepare_build_secrets(plan, edges, relay, private_dir->path());
    if (!secrets) return secrets.error();
    const RuntimeDirs dirs{(*session)->mount_dir(), private_dir->path() + "/output", *secrets};
    if (auto made = make_private_dir(dirs.output); !made) return made.error();
    auto executed = run_executor(plan, edges, *executor, **session, relay, dirs, private_dir->path());
    if (!executed) return executed.error();
    if (executed->signal != 0) return Error::cancelled(executed->signal);
    if (executed->exit_code != 0) return report_failure(plan, edges, relay, executed->exit_code, elapsed());

    auto digest = confirm_push(plan, edges, **session, dirs);
    if (!digest) return digest.error();
    const SuccessReport report{plan.repository, plan.destinations, *digest, plan.push, elapsed()};
    if (auto reported = report_success(plan, edges, report); !reported) return reported.error();
    return 0;
}

}  // namespace

Expected<int> run_build(const BuildEnvironment& edges) {
    const auto started = std::chrono::steady_clock::now();
    auto plan = load_plan(edges.env, edges.checkout_dir);
    if (!plan) return plan.error();
    auto result = build_planned(*plan, edges, started);
    // Whatever stopped the build goes into its annotation too, unless the job is being cancelled
    // (128 + signal) and the agent has better things to do.
    if (!result && result.error().exit_code < 128) {
        annotate_or_warn(*plan, edges,
                         error_annotation(plan->repository, result.error().message, seconds_since(started)),
                         AnnotationStyle::error);
    }
    return result;
}

void run_cleanup(const Environment& env, ProcessRunner& runner, const std::string& temp_root, std::ostream& log) {
    const auto scope = job_scope(env);
    if (!find_program("docker").empty()) {
        // Quietly: after a normal build the container is gone already (--rm).
        (void)runner.capture({"docker", "rm", "--force", container_name_for(scope)}, {}, Stderr::discard);
    }
    for (const auto& leftover : entries_named(temp_root, temp_dir_prefix(scope), k_temp_dir_suffix_length)) {
        stop_leftover_executor(leftover, log);
        put_back_docker_config(leftover, log);
        remove_tree(leftover);
        fmt::print(log, "kaniko: removed {}\n", leftover);
    }
}

}  // namespace kaniko
