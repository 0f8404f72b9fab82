#include "app/build.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <ostream>
#include <vector>

#include "annotation/annotation.hpp"
#include "buildkite/agent.hpp"
#include "buildkite/oidc.hpp"
#include "config/config.hpp"
#include "config/source.hpp"
#include "plan/docker_config.hpp"
#include "plan/plan.hpp"
#include "registry/client.hpp"
#include "registry/credentials.hpp"
#include "registry/reference.hpp"
#include "util/files.hpp"
#include "util/log_relay.hpp"
#include "util/process.hpp"
#include "util/secrets.hpp"

namespace kaniko {

namespace {

constexpr std::size_t k_tail_lines = 25;

Expected<BuildPlan> load_plan(const Environment& env, const std::string& checkout_dir) {
    auto json = plugin_configuration_json(env);
    if (!json) return json.error();
    auto config = parse_config(*json);
    if (!config) return config.error();
    return make_plan(*config, env, checkout_dir);
}

// A path the build hands to the executor, followed through symbolic links on disk: lexical checks
// passed already, but a link could still lead out of the checkout (to the credentials, say).
Status check_inside_checkout(const BuildPlan& plan, std::string_view attribute, const std::string& path,
                             std::filesystem::file_type expected) {
    const auto resolved = resolve_inside(plan.checkout_dir, path);
    if (!resolved) {
        return Error::invalid_attribute(attribute, path,
                                        fmt::format("cannot be read in the checkout ({}: {}); check the permissions "
                                                    "of the checkout",
                                                    plan.checkout_dir, resolved.error().message));
    }
    if (!*resolved) {
        return Error::invalid_attribute(attribute, path,
                                        "resolves outside the checkout through a symbolic link; keep it inside");
    }
    std::error_code ec;
    if (std::filesystem::status(**resolved, ec).type() != expected) {
        const auto what = expected == std::filesystem::file_type::directory ? "directory" : "Dockerfile";
        return Error::invalid_attribute(
            attribute, path,
            fmt::format("does not exist in the checkout ({}); set {} (relative to {}) to the {}'s path",
                        plan.checkout_dir, attribute, attribute == "context" ? "the checkout" : "context", what));
    }
    return Ok{};
}

Status check_build_files(const BuildPlan& plan) {
    if (auto checked = check_inside_checkout(plan, "context", plan.context, std::filesystem::file_type::directory);
        !checked) {
        return checked;
    }
    return check_inside_checkout(plan, "dockerfile", plan.dockerfile, std::filesystem::file_type::regular);
}

// `docker run -v SOURCE:TARGET` splits at colons, so a source holding one would mount something else.
Status check_mount_sources(const BuildPlan& plan, const std::string& temp_root) {
    const auto colon_free = [](std::string_view what, const std::string& path, std::string_view fix) -> Status {
        if (path.find(':') == std::string::npos) return Ok{};
        return Error::invalid_attribute(what, path, fmt::format("holds ':', which docker run -v cannot mount; {}", fix));
    };
    if (auto checked = colon_free("the checkout directory", plan.checkout_dir, "check out to a path without ':'");
        !checked) {
        return checked;
    }
    if (auto checked = colon_free("TMPDIR", temp_root, "set TMPDIR to a directory without ':'"); !checked) {
        return checked;
    }
    for (const auto& [host, file] : plan.registry_certificates) {
        const auto attribute = fmt::format("registry-certificates.{}", host);
        if (auto checked = colon_free(attribute, file, "copy the file to a path without ':'"); !checked) return checked;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec)) {
            return Error::invalid_attribute(attribute, file, "is not a file on this agent; give the CA certificate's path");
        }
    }
    return Ok{};
}

// The engine is asked before a token is: a build that cannot start should not request credentials.
Status check_docker_engine(const BuildEnvironment& edges) {
    auto run = edges.runner.capture({"docker", "version", "--format", "{{.Server.Version}}"});
    if (!run) return run.error();
    if (run->exit_code != 0) {
        const auto host = edges.env.get("DOCKER_HOST");
        return Error::failure(fmt::format("the Docker engine is unreachable (docker version exited with code {}); start "
                                          "dockerd, or point DOCKER_HOST at a running engine{}",
                                          run->exit_code, host ? fmt::format(" (DOCKER_HOST is {})", *host) : ""));
    }
    return Ok{};
}

struct Credentials {
    std::optional<std::string> directory;
    std::vector<std::string> tokens;        // every OIDC token issued for this build, the newest last
    std::optional<BasicCredentials> registry_login;  // the same login, for the helper's own registry calls
    bool registry_checks = true;  // false when only the executor can obtain the login

    const std::string& token() const { return tokens.back(); }
    std::string config_path() const { return *directory + "/config.json"; }
};

// Every form of the secrets is kept out of what the helper relays and handed to the agent's
// redactor for what it does not relay. Fails only when the job is cancelled meanwhile.
Status protect(const BuildEnvironment& edges, LogRelay& relay, const std::vector<Secret>& secrets) {
    std::vector<std::string> forms;
    for (const auto& secret : secrets) {
        auto more = secret_forms(secret);
        forms.insert(forms.end(), more.begin(), more.end());
    }
    return edges.agent.redact(relay.mask(forms));
}

std::string oidc_docker_config(const BuildPlan& plan, const std::string& token) {
    return render_docker_config(registry_host(plan.registry), k_oidc_username, token);
}

// A build can outlive its token, and Kaniko reads config.json again when it pushes. So before the
// token is two thirds through its life a new one replaces it in the mounted directory (a mounted
// file could not be replaced), and the helper's own registry calls use the new one too.
class TokenRefresher {
public:
    TokenRefresher(const BuildPlan& plan, const BuildEnvironment& edges, Credentials& credentials, LogRelay& relay)
        : m_plan(plan), m_edges(edges), m_credentials(credentials), m_relay(relay), m_due(due_after_issue()) {}

    void tick() {
        if (m_plan.auth != Auth::oidc || std::chrono::steady_clock::now() < m_due) return;
        auto token = m_edges.agent.request_token(m_plan.oidc_audience, m_plan.oidc_lifetime);
        if (!token && token.error().is_cancellation()) return;  // the stream reports the cancel
        if (!token) {
            fmt::print(m_edges.log, "kaniko: warning: could not refresh the OIDC token ({}); trying again in {}s\n",
                       token.error().message, k_retry.count());
            m_due = std::chrono::steady_clock::now() + k_retry;
            return;
        }
        // Masked before the executor can read it from the new config.json.
        if (!protect(m_edges, m_relay, {{*token, std::string(k_oidc_username)}})) return;
        m_credentials.tokens.push_back(*token);
        if (auto replaced = replace_private_file(m_credentials.config_path(), oidc_docker_config(m_plan, *token));
            !replaced) {
            fmt::print(m_edges.log, "kaniko: warning: {}\n", replaced.error().message);
        }
        m_credentials.registry_login = BasicCredentials{std::string(k_oidc_username), *token};
        m_due = due_after_issue();
        fmt::print(m_edges.log, "kaniko: refreshed the OIDC token in the executor's credentials\n");
    }

private:
    static constexpr std::chrono::seconds k_retry{10};

    std::chrono::steady_clock::time_point due_after_issue() const {
        return std::chrono::steady_clock::now() + std::chrono::seconds(std::max(1, m_plan.oidc_lifetime * 2 / 3));
    }

    const BuildPlan& m_plan;
    const BuildEnvironment& m_edges;
    Credentials& m_credentials;
    LogRelay& m_relay;
    std::chrono::steady_clock::time_point m_due;
};

Expected<Credentials> prepare_credentials(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay,
                                          const std::string& private_dir) {
    if (plan.auth == Auth::none) return Credentials{};
    Credentials credentials;
    credentials.directory = private_dir + "/docker";
    if (auto made = make_private_dir(*credentials.directory); !made) return made.error();
    const auto config_path = credentials.config_path();
    if (plan.auth == Auth::docker_config) {
        const auto text = read_text_file(plan.docker_config_source);
        if (!text) {
            return Error::failure(fmt::format(
                "auth: docker-config needs a Docker config file at {} (from DOCKER_CONFIG or HOME); run docker login, "
                "or use auth: oidc or auth: none",
                plan.docker_config_source));
        }
        fmt::print(edges.log, "kaniko: using the Docker config {}\n", plan.docker_config_source);
        // The executor can print what it reads; what the plugin hands it is masked like a token.
        if (auto kept = protect(edges, relay, secrets_in_docker_config(*text)); !kept) return kept.error();
        if (auto written = write_private_file(config_path, *text); !written) return written.error();
        if (!plan.push || !(plan.preflight || plan.skip_if_exists || plan.verify)) return credentials;
        auto found = login_from_docker_config(*text, registry_host(plan.registry), edges.runner);
        if (!found) return found.error();
        if (found->missing_helper) {
            // The executor image ships the common helpers (ECR, GCR, ACR); the agent need not.
            fmt::print(edges.log,
                       "kaniko: {} is not on this agent, so pre-flight, skip-if-exists and verify are skipped; the "
                       "executor signs in with its own copy\n",
                       *found->missing_helper);
            credentials.registry_checks = false;
        }
        if (found->login) {
            if (auto kept = protect(edges, relay, {{found->login->password, found->login->username}}); !kept) {
                return kept.error();
            }
        }
        credentials.registry_login = std::move(found->login);
        return credentials;
    }
    fmt::print(edges.log, "kaniko: requesting an OIDC token for {} (lifetime {}s)\n", plan.oidc_audience,
               plan.oidc_lifetime);
    auto token = edges.agent.request_token(plan.oidc_audience, plan.oidc_lifetime);
    if (!token) return token.error();
    if (auto kept = protect(edges, relay, {{*token, std::string(k_oidc_username)}}); !kept) return kept.error();
    credentials.tokens.push_back(*token);
    credentials.registry_login = BasicCredentials{std::string(k_oidc_username), *token};
    auto written = write_private_file(config_path, oidc_docker_config(plan, *token));
    if (!written) return written.error();
    return credentials;
}

// The token is checked before the registry sees it, so that a wrong audience is named as such.
Status check_token(const BuildPlan& plan, const Credentials& credentials) {
    if (plan.auth != Auth::oidc) return Ok{};
    auto claims = decode_token_claims(credentials.token());
    if (!claims) return claims.error();
    return check_token_claims(*claims, plan.oidc_audience, static_cast<std::int64_t>(std::time(nullptr)));
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

Expected<int> build_planned(const BuildPlan& plan, const BuildEnvironment& edges,
                            std::chrono::steady_clock::time_point started) {
    const auto elapsed = [&] { return seconds_since(started); };
    fmt::print(edges.log, "~~~ :kaniko: Preparing {}\n", plan.repository);
    if (auto checked = check_build_files(plan); !checked) return checked.error();
    if (auto checked = check_mount_sources(plan, edges.temp_root); !checked) return checked.error();
    if (auto checked = check_docker_engine(edges); !checked) return checked.error();
    if (plan.verbosity == "debug" || plan.verbosity == "trace") fmt::print(edges.log, "kaniko: {}\n", edges.trust);
    auto private_dir = TempDir::create(edges.temp_root, temp_dir_prefix(plan.job_scope));
    if (!private_dir) return private_dir.error();
    // The relay knows every secret from the moment one exists: it carries the executor's output.
    LogRelay relay([&](std::string_view text) {
        edges.log.write(text.data(), static_cast<std::streamsize>(text.size()));
        edges.log.flush();
    });
    auto credentials = prepare_credentials(plan, edges, relay, private_dir->path());
    if (!credentials) return credentials.error();
    if (auto checked = check_token(plan, *credentials); !checked) return checked.error();

    // A client per phase: the login may have been refreshed while the executor ran.
    const auto registry_client = [&] {
        return RegistryClient(edges.http,
                              endpoint_for(registry_host(plan.registry), plan.registry_certificates,
                                           plan.insecure_registries),
                              credentials->registry_login);
    };
    auto registry = registry_client();
    const bool registry_checks = plan.push && credentials->registry_checks;
    if (registry_checks && plan.preflight) {
        if (auto checked = preflight(plan, edges, registry); !checked) return checked.error();
    }
    if (registry_checks && plan.skip_if_exists) {
        auto existing = existing_digest(plan, registry);
        if (!existing) return existing.error();
        if (*existing) {
            fmt::print(edges.log, "kaniko: skip-if-exists: every tag already points to {}; not building\n", **existing);
            SuccessReport report{plan.repository, plan.destinations, **existing, true, elapsed()};
            report.skipped = true;
            if (auto reported = report_success(plan, edges, report); !reported) return reported.error();
            return 0;
        }
    }
    const RuntimeDirs dirs{credentials->directory, private_dir->path() + "/output"};
    if (auto made = make_private_dir(dirs.output); !made) return made.error();

    fmt::print(edges.log, "--- :kaniko: Building {}\n", fmt::join(plan.destinations, ", "));
    const auto command = executor_command(plan, dirs);
    fmt::print(edges.log, "$ {}\n", shell_join(command));
    edges.log.flush();

    TokenRefresher refresher(plan, edges, *credentials, relay);
    bool cancelled = false;
    const auto remove_container = [&] {
        (void)edges.runner.capture({"docker", "rm", "--force", plan.container_name}, {}, Stderr::discard,
                                   OnCancel::run);
    };
    const auto on_signal = [&](int signal) {
        fmt::print(edges.log, "kaniko: received signal {}; stopping the executor container {}\n", signal,
                   plan.container_name);
        edges.log.flush();
        cancelled = true;
        remove_container();
    };
    // After a cancel, again every second until `docker run` ends: a container that the client was
    // still creating when the signal came goes too.
    const auto on_tick = [&] { cancelled ? remove_container() : refresher.tick(); };
    auto executor =
        edges.runner.stream(command, {[&](std::string_view output) { relay.feed(output); }, on_signal, on_tick});
    relay.finish();
    if (!executor) return executor.error();
    if (executor->signal != 0) {
        remove_container();  // the client may have started one just before it ended
        return Error::cancelled(executor->signal);
    }
    if (executor->exit_code != 0) {
        edges.log << "^^^ +++\n";
        fmt::print(edges.log, "kaniko: the executor exited with code {} building {}\n", executor->exit_code,
                   plan.repository);
        FailureReport report{plan.repository, plan.destinations, executor->exit_code, relay.last_lines(k_tail_lines),
                             plan.auth, plan.oidc_audience, plan.executor_image, elapsed()};
        if (const auto hint = failure_hint(report)) fmt::print(edges.log, "kaniko: hint: {}\n", *hint);
        annotate_or_warn(plan, edges, failure_annotation(report), AnnotationStyle::error);
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
    if (registry_checks && plan.verify) {
        auto verifier = registry_client();
        if (auto verified = verify_push(plan, digest, verifier); !verified) return verified.error();
        fmt::print(edges.log, "kaniko: verified: every tag points to {}\n", digest);
    }
    const SuccessReport report{plan.repository, plan.destinations, is_valid_digest(digest) ? digest : "unknown",
                               plan.push, elapsed()};
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
        remove_tree(leftover);
        fmt::print(log, "kaniko: removed {}\n", leftover);
    }
}

}  // namespace kaniko
