#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/shell.hpp"

namespace kaniko {

inline constexpr std::string_view k_package_registry_host = "packages.buildkite.com";
inline constexpr std::string_view k_workspace_mount = "/workspace";
inline constexpr std::string_view k_credentials_mount = "/kaniko/.docker";
inline constexpr std::string_view k_output_mount = "/kaniko/output";
inline constexpr std::string_view k_digest_file = "/kaniko/output/digest";
inline constexpr std::string_view k_certificates_mount = "/kaniko/registry-certificates";
inline constexpr std::string_view k_secrets_mount = "/kaniko/buildkite-secrets";
inline constexpr std::string_view k_secret_files_mount = "/kaniko/buildkite-secret-files";

enum class ExecutorKind { docker, local };

// What `executor: auto` decides by; looked up on the agent before planning.
struct HostFacts {
    bool docker_cli = true;        // a `docker` program on PATH
    bool executor_binary = false;  // executor-path is an executable file
};

// What is signed after the push, and where the signing material comes from.
struct SigningPlan {
    bool provenance = false;               // an attestation too, beside the signature
    std::string fulcio_url;
    std::optional<std::string> rekor_url;  // none: transparency-log: false
};

// Everything the build will do, decided before anything runs: a plan can be printed, compared in a
// test, or carried out, and all three see the same values.
struct BuildPlan {
    std::string image;       // as configured: it names the meta-data keys
    std::string registry;    // host[:port][/path]
    std::string repository;  // registry/image
    std::string api_repository;  // the repository's name in the registry API: registry path + image
    std::vector<std::string> destinations;
    Auth auth = Auth::oidc;
    std::string oidc_audience;
    int oidc_lifetime = k_default_oidc_lifetime;
    std::string docker_config_source;  // the agent's config.json, for auth: docker-config
    ExecutorKind executor = ExecutorKind::docker;
    std::string executor_image;  // for docker
    std::string executor_path;   // for local
    std::string local_docker_config_dir;  // for local: where the executor reads config.json
    std::string verbosity;  // Kaniko's, which the helper's own detail follows
    bool push = k_default_push;
    bool annotate = k_default_annotate;
    std::string checkout_dir;
    std::string context;     // relative to the checkout
    std::string dockerfile;  // relative to the checkout
    std::string job_scope;   // the job ID, or "local": names containers and temporary directories
    std::string container_name;
    std::string annotation_context;
    std::optional<std::string> network;
    std::vector<std::string> passthrough_env;  // build-args whose values come from the job environment
    std::vector<BuildSecret> secrets;
    std::vector<std::string> kaniko_args;      // the executor's flags, without digest file and extra-args
    std::vector<std::string> extra_args;
    std::map<std::string, std::string> registry_certificates;  // host[:port] -> CA file on the agent
    std::vector<std::string> insecure_registries;
    bool preflight = k_default_preflight;
    bool skip_if_exists = k_default_skip_if_exists;
    bool verify = k_default_verify;
    std::vector<std::string> tags;
    std::optional<Platform> platform;  // one platform's build: each tag ends in its suffix
    std::vector<Platform> index;       // the platforms of the index this step pushes under `tags`
    std::vector<BuildPlan> platform_builds;  // `platforms`: the builds this step runs first, in order
    std::optional<SigningPlan> signing;      // none: nothing is signed (a `platforms` step signs its index only)
};

// An index step builds nothing: its children were built by other steps.
inline bool is_index_only(const BuildPlan& plan) { return !plan.index.empty() && plan.platform_builds.empty(); }

// Where a platform's build records its digest for the index step: kaniko-digest:<image>:<platform>.
std::string platform_digest_key(std::string_view image, const Platform& platform);

// Where the executor finds the CA certificate for `host`.
std::string certificate_mount_path(std::string_view host);

// Resolves every default the recipe derives from the job's environment, and the recipe's switches
// (KANIKO_IMAGE, KANIKO_DEBUG, KANIKO_VERBOSITY, KANIKO_NO_PUSH), which win over attributes.
Expected<BuildPlan> make_plan(const Config& config, const Environment& env, const std::string& checkout_dir,
                              const HostFacts& host = {});

std::string default_tag(const Environment& env);
// The agent's Docker config file: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
std::string docker_config_file(const Environment& env);
std::string job_scope(const Environment& env);
// The step's key (and its parallel index), or the job: a retried step keeps its annotation, and two
// steps building one image keep one each.
std::string step_scope(const Environment& env);
std::string container_name_for(std::string_view scope);
// The `-debug` flavour of an executor image: `...:v1.24.0` becomes `...:v1.24.0-debug`.
Expected<std::string> debug_variant(std::string_view image);

struct RuntimeDirs {
    std::optional<std::string> credentials;  // holds config.json to mount; none for auth: none and local
    std::string output;                      // receives the digest file
    std::string secrets = {};                // holds a file per `env` secret, named by its ID
};

// The hosts the executor talks to: the registry, the cache repository's, and any --registry-mirror.
std::vector<std::string> executor_hosts(const BuildPlan& plan);

// The command that starts the executor: `docker run` of its image, or its binary for local. It never
// carries a secret: credentials travel in config.json and build-arg values from the environment are
// passed by name.
Argv executor_command(const BuildPlan& plan, const RuntimeDirs& dirs);
std::string_view to_string(ExecutorKind kind);

}  // namespace kaniko
