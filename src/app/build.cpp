#include "app/build.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <ostream>
#include <vector>

#include "annotation/annotation.hpp"
#include "app/build_secrets.hpp"
#include "app/credential_session.hpp"
#include "app/destination.hpp"
#include "app/executor.hpp"
#include "app/preconditions.hpp"
#include "app/signing.hpp"
#include "buildkite/agent.hpp"
#include "buildkite/oidc.hpp"
#include "config/config.hpp"
#include "config/source.hpp"
#include "plan/docker_config.hpp"
#include "plan/plan.hpp"
#include "registry/client.hpp"
#include "registry/reference.hpp"
#include "sigstore/cosign.hpp"
#include "sigstore/fulcio.hpp"
#include "sigstore/provenance.hpp"
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

// What a build tells later steps. A platform's build qualifies every key with its platform: the
// steps of one index share the build's meta-data, and the unqualified keys belong to the index.
Agent::MetaData meta_data_of(const BuildPlan& plan, const std::string& digest,
                             const std::optional<SignedImage>& signed_image) {
    const auto pinned = fmt::format("{}@{}", plan.repository, digest);
    std::string tags;
    for (const auto& destination : plan.destinations) tags += (tags.empty() ? "" : "\n") + destination;
    Agent::MetaData values;
    // The key's suffix: the image, and for a platform's build the platform too.
    auto qualifier = plan.image;
    if (plan.platform) {
        qualifier += ":" + to_string(*plan.platform);
        values = {{"kaniko-image:" + qualifier, pinned},
                  {platform_digest_key(plan.image, *plan.platform), digest},
                  {"kaniko-tags:" + qualifier, tags}};
    } else {
        values = {{"kaniko-image", pinned},
                  {"kaniko-image:" + qualifier, pinned},
                  {"kaniko-digest:" + qualifier, digest},
                  {"kaniko-tags:" + qualifier, tags}};
    }
    if (signed_image) {
        values.emplace_back("kaniko-signature:" + qualifier, signed_image->signature);
        if (signed_image->attestation) values.emplace_back("kaniko-attestation:" + qualifier, *signed_image->attestation);
    }
    return values;
}

// `annotate_success` is false for a `platforms` step's own builds: their digests go into the index's.
Status report_success(const BuildPlan& plan, const BuildEnvironment& edges, const SuccessReport& report,
                      bool annotate_success = true) {
    if (report.pushed) {
        if (auto set = edges.agent.set_meta_data(meta_data_of(plan, report.digest, report.signed_image)); !set) {
            return set.error();
        }
        fmt::print(edges.log, "kaniko: pushed {}{}@{}\n", report.platforms.empty() ? "" : "the index ", plan.repository,
                   report.digest);
    } else {
        fmt::print(edges.log, "kaniko: built {} ({}), not pushed\n", plan.repository, report.digest);
    }
    if (!annotate_success) return Ok{};
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

namespace {

std::string describe_credentials(const BuildPlan& plan, bool for_executor) {
    const bool local = plan.executor == ExecutorKind::local && for_executor;
    if (plan.auth == Auth::oidc) {
        const auto where = !for_executor ? std::string("no file: the helper's own registry requests")
                           : local       ? fmt::format("{}/config.json (what was there is put back afterwards)",
                                                       plan.local_docker_config_dir)
                                         : std::string("<private-dir>/docker/config.json");
        return fmt::format("# token, written to {} for {} (user {}):\n{}\n", where, registry_host(plan.registry),
                           k_oidc_username, shell_join(token_request_command(plan.oidc_audience, plan.oidc_lifetime)));
    }
    if (plan.auth == Auth::docker_config) {
        if (!for_executor) return fmt::format("# credentials: {}, read by the helper\n", plan.docker_config_source);
        return local ? fmt::format("# credentials: {}, read by the executor where it is\n", plan.docker_config_source)
                     : fmt::format("# credentials: {} copied to <private-dir>/docker/config.json\n",
                                   plan.docker_config_source);
    }
    return {};
}

std::string describe_checks(const BuildPlan& plan, std::string_view verified) {
    if (!plan.push) return {};
    std::vector<std::string> checks;
    if (plan.preflight) checks.push_back("pre-flight (" + push_scope(plan.api_repository) + ")");
    if (plan.skip_if_exists) checks.emplace_back("skip-if-exists");
    if (plan.verify) checks.push_back(fmt::format("verify each tag's digest after the {}", verified));
    if (checks.empty()) return {};
    return fmt::format("# registry checks against {}: {}\n", registry_host(plan.registry), fmt::join(checks, ", "));
}

std::string describe_signing(const BuildPlan& plan) {
    if (!plan.signing) return {};
    const auto& signing = *plan.signing;
    auto text = fmt::format(
        "# signed after the push, keyless: an OIDC token for {}, a certificate from {} for an ephemeral key, {}; "
        "stored as {}:sha256-<digest>{}\n",
        k_sigstore_audience, signing.fulcio_url,
        signing.rekor_url ? "the signature recorded in " + *signing.rekor_url
                          : std::string("no transparency log (transparency-log: false)"),
        plan.repository, k_signature_suffix);
    if (signing.provenance) {
        text += fmt::format("# provenance: SLSA v1 ({}) signed the same way, stored as {}:sha256-<digest>{}\n",
                            k_buildkite_build_type, plan.repository, k_attestation_suffix);
    }
    return text;
}

std::string describe_build(const BuildPlan& plan) {
    const bool mounted = plan.auth != Auth::none && plan.executor != ExecutorKind::local;
    const RuntimeDirs dirs{mounted ? std::optional<std::string>("<private-dir>/docker") : std::nullopt,
                           "<private-dir>/output", "<private-dir>/secrets"};
    return describe_credentials(plan, true) + shell_join(executor_command(plan, dirs)) + "\n" +
           describe_checks(plan, "push") + describe_signing(plan);
}

std::string describe_index(const BuildPlan& plan) {
    std::string text = fmt::format("# the index (an OCI image index, or a Docker manifest list for Docker v2 images), "
                                   "put under {}:\n",
                                   fmt::join(plan.destinations, ", "));
    for (const auto& platform : plan.index) {
        const auto source = plan.platform_builds.empty()
                                ? fmt::format("the image whose digest is meta-data {}", platform_digest_key(plan.image, platform))
                                : std::string("the image built above");
        text += fmt::format("#   {}: {}, its config checked to say {}\n", to_string(platform), source, to_string(platform));
    }
    if (!plan.push) text += "# not pushed (push: false)\n";
    return text + describe_checks(plan, "index is put") + describe_signing(plan);
}

}  // namespace

Expected<std::string> describe_plan(const Environment& env, const std::string& checkout_dir) {
    auto plan = load_plan(env, checkout_dir);
    if (!plan) return plan.error();
    if (auto checked = check_preconditions(*plan, env); !checked) return checked.error();
    if (is_index_only(*plan)) return describe_credentials(*plan, false) + describe_index(*plan);
    if (plan->platform_builds.empty()) return describe_build(*plan);
    std::string text;
    for (const auto& build : plan->platform_builds) {
        text += fmt::format("# {}:\n{}", to_string(*build.platform), describe_build(build));
    }
    return text + describe_credentials(*plan, false) + describe_index(*plan);
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

// The registry, on the build's behalf: when the helper can sign in, and the build pushes.
std::optional<Destination> destination_for(const BuildPlan& plan, const BuildEnvironment& edges,
                                           const CredentialSession& session) {
    if (!plan.push || !session.registry_checks()) return std::nullopt;
    return std::optional<Destination>(std::in_place, plan, edges.http, session.registry_login());
}

// Pre-flight, then skip-if-exists: the digest every tag already points to, when the build can be skipped.
Expected<std::optional<std::string>> check_registry(const BuildPlan& plan, const BuildEnvironment& edges,
                                                    Destination& destination) {
    if (plan.preflight) {
        if (auto checked = destination.preflight(edges.log); !checked) return checked.error();
    }
    if (!plan.skip_if_exists) return std::optional<std::string>();
    return destination.existing_digest();
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
Expected<std::string> confirm_push(const BuildPlan& plan, const RuntimeDirs& dirs, Destination* destination,
                                   std::ostream& log) {
    const auto digest = trim(read_text_file(dirs.output + "/digest").value_or(""));
    if (!is_valid_digest(digest)) {
        if (!plan.push) return std::string("unknown");
        return Error::failure(fmt::format("the executor exited 0 but left no image digest in {} (found {}); the push "
                                          "cannot be confirmed",
                                          plan.executor == ExecutorKind::docker ? std::string(k_digest_file)
                                                                                : dirs.output + "/digest",
                                          quote_value(digest)));
    }
    if (destination != nullptr && plan.verify) {
        if (auto verified = destination->verify(digest, "the executor"); !verified) return verified.error();
        fmt::print(log, "kaniko: verified: every tag points to {}\n", digest);
    }
    return digest;
}

// The relay knows every secret from the moment one exists: it carries what the executor prints.
// `bases` collects the base images it names, for a provenance.
LogRelay log_relay(const BuildEnvironment& edges, BaseImageLog* bases = nullptr) {
    return LogRelay([&edges, bases](std::string_view text) {
        edges.log.write(text.data(), static_cast<std::streamsize>(text.size()));
        edges.log.flush();
        if (bases != nullptr) bases->feed(text);
    });
}

// Signing comes after the registry confirmed the push. When it fails, later steps may still use
// the image, as they would after a separate signing step failed.
Expected<std::optional<SignedImage>> sign_and_keep_pushed(const BuildPlan& plan, const BuildEnvironment& edges,
                                                          LogRelay& relay, Destination* destination,
                                                          const std::string& digest,
                                                          const std::optional<ProvenanceFacts>& facts) {
    auto signed_image = sign_pushed(plan, edges, relay, destination, digest, facts);
    if (!signed_image) (void)edges.agent.set_meta_data(meta_data_of(plan, digest, std::nullopt));
    return signed_image;
}

// How a build ended: the executor's exit code, and the digest it pushed when it succeeded.
struct Built {
    int exit_code = 0;
    std::string digest;
};

// `annotate_success` is false for the builds of a `platforms` step: the index's annotation lists them.
Expected<Built> build_planned(const BuildPlan& plan, const BuildEnvironment& edges, Clock::time_point started,
                              bool annotate_success = true) {
    const auto elapsed = [&] { return seconds_since(started); };
    fmt::print(edges.log, "~~~ :kaniko: Preparing {}{}\n", plan.repository,
               plan.platform ? " for " + to_string(*plan.platform) : std::string());
    const auto started_at = std::time(nullptr);
    auto executor = make_executor(plan, edges);
    if (auto checked = check_before_credentials(plan, edges, *executor); !checked) return checked.error();
    auto private_dir = TempDir::create(edges.temp_root, temp_dir_prefix(plan.job_scope));
    if (!private_dir) return private_dir.error();
    // Only a provenance needs the base images the executor names: no other build scans its output.
    BaseImageLog bases;
    const bool provenance = plan.signing && plan.signing->provenance;
    auto relay = log_relay(edges, provenance ? &bases : nullptr);
    auto session = CredentialSession::open(plan, edges, relay, private_dir->path());
    if (!session) return session.error();
    if (auto checked = (*session)->check_token(); !checked) return checked.error();

    if (auto destination = destination_for(plan, edges, **session)) {
        auto existing = check_registry(plan, edges, *destination);
        if (!existing) return existing.error();
        if (*existing) {
            fmt::print(edges.log, "kaniko: skip-if-exists: every tag already points to {}; not building\n", **existing);
            SuccessReport report{plan.repository, plan.destinations, **existing, true, elapsed()};
            report.skipped = true;
            if (auto reported = report_success(plan, edges, report, annotate_success); !reported) return reported.error();
            return Built{0, **existing};
        }
    }

    auto secrets = prepare_build_secrets(plan, edges, relay, private_dir->path());
    if (!secrets) return secrets.error();
    const RuntimeDirs dirs{(*session)->mount_dir(), private_dir->path() + "/output", *secrets};
    if (auto made = make_private_dir(dirs.output); !made) return made.error();
    auto executed = run_executor(plan, edges, *executor, **session, relay, dirs, private_dir->path());
    if (!executed) return executed.error();
    if (executed->signal != 0) return Error::cancelled(executed->signal);
    if (executed->exit_code != 0) return Built{report_failure(plan, edges, relay, executed->exit_code, elapsed()), {}};

    // Signed in afresh: the token may have been replaced while the executor ran.
    auto verifier = destination_for(plan, edges, **session);
    auto digest = confirm_push(plan, dirs, verifier ? &*verifier : nullptr, edges.log);
    if (!digest) return digest.error();
    std::optional<ProvenanceFacts> facts;
    if (provenance) {
        facts = build_provenance(plan, edges, **session, *digest, bases.images(), started_at);
    }
    auto signed_image = sign_and_keep_pushed(plan, edges, relay, verifier ? &*verifier : nullptr, *digest, facts);
    if (!signed_image) return signed_image.error();
    SuccessReport report{plan.repository, plan.destinations, *digest, plan.push, elapsed()};
    report.signed_image = std::move(*signed_image);
    if (auto reported = report_success(plan, edges, report, annotate_success); !reported) return reported.error();
    return Built{0, *digest};
}

Status unless_cancelled(const BuildEnvironment& edges) {
    if (const auto signal = edges.runner.cancel_signal(); signal != 0) return Error::cancelled(signal);
    return Ok{};
}

// Each platform's digest: as this step's builds reported them, or from the meta-data their steps set.
Expected<std::vector<std::string>> platform_digests(const BuildPlan& plan, const BuildEnvironment& edges,
                                                    const std::vector<std::string>& built) {
    if (!built.empty()) return built;
    std::vector<std::string> keys;
    for (const auto& platform : plan.index) keys.push_back(platform_digest_key(plan.image, platform));
    auto values = edges.agent.get_meta_data(keys);
    if (!values) return values.error();
    std::vector<std::string> digests;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto& digest = (*values)[i];
        if (!digest || !is_valid_digest(*digest)) {
            const auto platform = to_string(plan.index[i]);
            return Error::failure(fmt::format(
                "index: no {} image: meta-data {} is {}; the step that builds it (platform: {}) failed or has not run "
                "yet; give this step depends_on with that step's key",
                platform, keys[i], digest ? fmt::format("{}, not a digest", quote_value(*digest)) : "not set", platform));
        }
        digests.push_back(*digest);
    }
    return digests;
}

// Each platform's image as the registry serves it, checked to be that platform's.
Expected<std::vector<IndexChild>> read_children(const BuildPlan& plan, Destination& destination,
                                                const std::vector<std::string>& digests, std::ostream& log) {
    std::vector<IndexChild> children;
    for (std::size_t i = 0; i < plan.index.size(); ++i) {
        auto child = destination.child(plan.index[i], digests[i], platform_digest_key(plan.image, plan.index[i]));
        if (!child) return child.error();
        fmt::print(log, "kaniko: {}: {} ({}, {} bytes)\n", to_string(child->platform), child->digest, child->media_type,
                   child->size);
        children.push_back(std::move(*child));
    }
    return children;
}

// skip-if-exists for an index: the digest every tag holds, when each holds an index of exactly these.
Expected<std::optional<std::string>> existing_index(const BuildPlan& plan, Destination& destination,
                                                    const std::vector<IndexChild>& children) {
    if (!plan.skip_if_exists) return std::optional<std::string>();
    return destination.existing_index_of(children);
}

SuccessReport index_report(const BuildPlan& plan, const Manifest& index, const std::vector<IndexChild>& children,
                           Clock::time_point started) {
    SuccessReport report{plan.repository, plan.destinations, index.digest, plan.push, seconds_since(started)};
    for (const auto& child : children) report.platforms.push_back({to_string(child.platform), child.digest});
    return report;
}

// The index step, and the last phase of a `platforms` step: each child read and checked, one index
// put under every tag, verified and reported.
Expected<int> push_index(const BuildPlan& plan, const BuildEnvironment& edges, Clock::time_point started,
                         const std::vector<std::string>& built = {}) {
    std::vector<std::string> platforms;
    for (const auto& platform : plan.index) platforms.push_back(to_string(platform));
    fmt::print(edges.log, "~~~ :kaniko: Index of {} for {}\n", fmt::join(plan.destinations, ", "), fmt::join(platforms, ", "));
    auto digests = platform_digests(plan, edges, built);
    if (!digests) return digests.error();
    auto relay = log_relay(edges);
    // Credentials for the helper alone are written nowhere: no private directory.
    auto session = CredentialSession::open(plan, edges, relay, {}, CredentialSession::For::helper);
    if (!session) return session.error();
    if (auto checked = (*session)->check_token(); !checked) return checked.error();
    if (!(*session)->registry_checks()) {
        return Error::failure("index: the helper cannot sign in to the registry on this agent (its credential helper "
                              "is missing); install it, or use auth: oidc");
    }
    Destination destination(plan, edges.http, (*session)->registry_login());
    if (plan.preflight) {
        if (auto checked = destination.preflight(edges.log); !checked) return checked.error();
    }
    auto children = read_children(plan, destination, *digests, edges.log);
    if (!children) return children.error();
    auto media_type = index_media_type(*children);
    if (!media_type) return Error::failure(fmt::format("index: {}", media_type.error().message));
    const auto index = render_index(*children, *media_type);
    auto report = index_report(plan, index, *children, started);

    auto existing = existing_index(plan, destination, *children);
    if (!existing) return existing.error();
    if (*existing) {
        fmt::print(edges.log, "kaniko: skip-if-exists: every tag already holds an index of these images ({}); not "
                              "pushing it again\n",
                   **existing);
        report.digest = **existing;
        report.skipped = true;
    } else if (plan.push) {
        if (auto checked = unless_cancelled(edges); !checked) return checked.error();
        fmt::print(edges.log, "--- :kaniko: Pushing the index {} ({})\n", index.digest, *media_type);
        if (auto put = destination.put(index, plan.verify); !put) return put.error();
        if (plan.verify) fmt::print(edges.log, "kaniko: verified: every tag points to {}\n", index.digest);
        auto signed_image = sign_and_keep_pushed(plan, edges, relay, &destination, index.digest, std::nullopt);
        if (!signed_image) return signed_image.error();
        report.signed_image = std::move(*signed_image);
    }
    if (auto reported = report_success(plan, edges, report); !reported) return reported.error();
    return 0;
}

// `platforms`: each platform built in turn on this agent, then their index. A cancel between two
// builds starts nothing further.
Expected<int> build_platforms(const BuildPlan& plan, const BuildEnvironment& edges, Clock::time_point started) {
    std::vector<std::string> digests;
    for (const auto& build : plan.platform_builds) {
        if (auto checked = unless_cancelled(edges); !checked) return checked.error();
        auto built = build_planned(build, edges, started, false);
        if (!built) return built.error();
        if (built->exit_code != 0) return built->exit_code;
        digests.push_back(built->digest);
    }
    if (auto checked = unless_cancelled(edges); !checked) return checked.error();
    if (!plan.push) {
        fmt::print(edges.log, "kaniko: built every platform; push: false, so there is no index to put together\n");
        return 0;
    }
    return push_index(plan, edges, started, digests);
}

Expected<int> run_planned(const BuildPlan& plan, const BuildEnvironment& edges, Clock::time_point started) {
    if (is_index_only(plan)) {
        // Each build of a `platforms` step checks the agent itself; an index step does it here.
        if (auto checked = check_preconditions(plan, edges.env); !checked) return checked.error();
        return push_index(plan, edges, started);
    }
    if (!plan.platform_builds.empty()) return build_platforms(plan, edges, started);
    auto built = build_planned(plan, edges, started);
    if (!built) return built.error();
    return built->exit_code;
}

}  // namespace

Expected<int> run_build(const BuildEnvironment& edges) {
    const auto started = std::chrono::steady_clock::now();
    auto plan = load_plan(edges.env, edges.checkout_dir);
    if (!plan) return plan.error();
    auto result = run_planned(*plan, edges, started);
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
