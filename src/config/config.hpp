#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "registry/platform.hpp"
#include "util/error.hpp"

namespace kaniko {

enum class Auth { oidc, docker_config, none };
std::string_view to_string(Auth auth);

// Where the executor runs: `docker run` of its image, or its binary in this container (the Kaniko
// image on Kubernetes). `automatic` decides by what the agent has.
enum class ExecutorMode { automatic, docker, local };
inline constexpr std::string_view k_default_executor_path = "/kaniko/executor";
// The maintained fork (osscontainertools/kaniko), pinned: see the README, "The executor image".
inline constexpr std::string_view k_default_executor_image = "ghcr.io/osscontainertools/kaniko:v1.28.3";

enum class AttributeKind { string, boolean, integer, string_or_list, list, enumeration, object, secret_list };

// One row per plugin attribute: the single list that parsing, the flattened-variable fallback and
// the `attributes` subcommand (checked against plugin.yml and the README by the tests) all read.
struct AttributeSpec {
    std::string_view name;
    AttributeKind kind;
    std::size_t max_length;  // of the value, of each item of a list, of each key and value of an object
};
std::span<const AttributeSpec> attribute_specs();

// A build secret: its ID in `RUN --mount=type=secret,id=ID`, and where its value comes from.
struct BuildSecret {
    enum class Source { env, file };
    std::string id;
    Source source = Source::env;
    std::string name;  // the job's environment variable, or a file on the agent
    bool operator==(const BuildSecret&) const = default;
};

// Defaults that the plan shares, each given once here.
inline constexpr bool k_default_push = true;
inline constexpr bool k_default_annotate = true;
inline constexpr int k_default_oidc_lifetime = 300;
inline constexpr bool k_default_preflight = true;
inline constexpr bool k_default_skip_if_exists = false;
inline constexpr bool k_default_verify = true;
inline constexpr std::string_view k_default_fulcio_url = "https://fulcio.sigstore.dev";
inline constexpr std::string_view k_default_rekor_url = "https://rekor.sigstore.dev";

// The plugin's attributes as the user wrote them, validated; the defaults below are those of
// attributes left out (parsing keeps them), and defaults that depend on the job's environment are
// resolved later, by the plan.
struct Config {
    std::string image;
    std::optional<std::string> registry;
    std::optional<std::string> package_registry;
    std::optional<std::string> organization;
    std::vector<std::string> tags;  // empty: the recipe's `<commit>-<build number>`
    std::string context = ".";
    std::string dockerfile = "Dockerfile";  // relative to the checkout, context already joined
    std::vector<std::string> build_args;
    std::vector<BuildSecret> secrets;
    std::optional<std::string> target;
    std::vector<std::string> labels;
    std::optional<Platform> platform;  // one platform's build: its tags carry the platform
    std::vector<Platform> platforms;   // a build of each here, then their index
    std::vector<Platform> index;       // the index of what other steps built; nothing is built
    std::optional<std::string> network;
    bool cache = true;
    std::optional<std::string> cache_repo;
    std::optional<std::string> cache_ttl;
    std::optional<bool> cache_push;  // unset: cache layers are pushed when the image is
    bool push = k_default_push;
    std::optional<Auth> auth;
    std::optional<std::string> oidc_audience;
    int oidc_lifetime = k_default_oidc_lifetime;
    std::optional<std::string> kaniko_image;
    ExecutorMode executor = ExecutorMode::automatic;
    std::string executor_path = std::string(k_default_executor_path);
    bool debug = false;
    std::optional<std::string> verbosity;
    std::vector<std::string> extra_args;
    bool annotate = k_default_annotate;
    std::optional<std::string> helper;
    std::optional<std::string> helper_url;
    std::map<std::string, std::string> registry_certificates;  // host[:port] -> CA file on the agent
    std::vector<std::string> insecure_registries;              // hosts reached over plain HTTP
    bool preflight = k_default_preflight;
    bool skip_if_exists = k_default_skip_if_exists;
    bool verify = k_default_verify;
    bool sign = false;        // keyless, with the job's OIDC identity: Fulcio, then Rekor
    bool provenance = false;  // a signed SLSA provenance attestation
    std::string fulcio_url = std::string(k_default_fulcio_url);
    std::string rekor_url = std::string(k_default_rekor_url);
    bool transparency_log = true;
};

// `json` is this plugin's configuration object, as the agent hands it over.
Expected<Config> parse_config(std::string_view json);

bool is_valid_verbosity(std::string_view level);
// A Buildkite organization or package registry slug: one lowercase path component.
bool is_valid_slug(std::string_view slug);
inline constexpr std::string_view k_verbosity_levels = "panic, fatal, error, warn, info, debug or trace";

// `path` made relative and free of `.` and `..`, or nothing when it would leave the checkout.
std::optional<std::string> normalize_checkout_path(std::string_view path);

}  // namespace kaniko
