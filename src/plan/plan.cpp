#include "plan/plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "registry/reference.hpp"

namespace kaniko {

namespace {

std::string scope_safe(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '_' || c == '.';
        out += safe ? c : '-';
    }
    return out;
}

Expected<std::string> resolve_registry(const Config& config, const Environment& env) {
    if (config.registry) return *config.registry;
    const auto name = config.package_registry ? config.package_registry : env.get("PACKAGE_REGISTRY_NAME");
    if (!name) {
        return Error::invalid_config(
            "registry: not set; give `package-registry: <name>` for a Buildkite Package Registry (or set "
            "PACKAGE_REGISTRY_NAME), or `registry: <host>[/path]` for any other registry");
    }
    if (!config.package_registry && !is_valid_slug(*name)) {
        return Error::invalid_attribute("PACKAGE_REGISTRY_NAME", *name,
                                        "is not a valid slug; use lowercase letters, digits and . _ -");
    }
    const auto organization = config.organization ? config.organization : env.get("BUILDKITE_ORGANIZATION_SLUG");
    if (!organization) {
        return Error::invalid_config(
            "organization: not set and BUILDKITE_ORGANIZATION_SLUG is empty; give `organization: <slug>` to "
            "name the Buildkite organization that owns the package registry");
    }
    return fmt::format("{}/{}/{}", k_package_registry_host, *organization, *name);
}

Expected<std::string> resolve_executor_image(const Config& config, const Environment& env) {
    if (const auto image = env.get("KANIKO_IMAGE")) {
        if (!parse_reference(*image)) {
            return Error::invalid_attribute(
                "KANIKO_IMAGE", *image, fmt::format("is not an image reference; e.g. {}", k_default_executor_image));
        }
        return *image;  // the recipe's override names the exact image, debug or not
    }
    const std::string image = config.kaniko_image.value_or(std::string(k_default_executor_image));
    if (!config.debug && !env.flag("KANIKO_DEBUG")) return image;
    return debug_variant(image);
}

Expected<std::string> resolve_verbosity(const Config& config, const Environment& env) {
    if (const auto level = env.get("KANIKO_VERBOSITY")) {
        if (!is_valid_verbosity(*level)) {
            return Error::invalid_attribute("KANIKO_VERBOSITY", *level,
                                            fmt::format("is not a Kaniko log level; use {}", k_verbosity_levels));
        }
        return *level;
    }
    return config.verbosity.value_or("info");
}

// Where the executor sees a path of the checkout: under the mount in its container, or in place.
std::string executor_view(const BuildPlan& plan, std::string_view relative) {
    const std::string_view root = plan.executor == ExecutorKind::docker ? k_workspace_mount : plan.checkout_dir;
    return relative == "." ? std::string(root) : fmt::format("{}/{}", root, relative);
}

ExecutorKind resolve_executor(const Config& config, const HostFacts& host) {
    switch (config.executor) {
    case ExecutorMode::docker: return ExecutorKind::docker;
    case ExecutorMode::local: return ExecutorKind::local;
    case ExecutorMode::automatic: break;
    }
    return host.executor_binary && !host.docker_cli ? ExecutorKind::local : ExecutorKind::docker;
}

}  // namespace

std::string docker_config_file(const Environment& env) {
    if (const auto dir = env.get("DOCKER_CONFIG")) return *dir + "/config.json";
    return env.get("HOME").value_or("") + "/.docker/config.json";
}

std::string default_tag(const Environment& env) {
    const auto commit = env.get("BUILDKITE_COMMIT").value_or("local");
    return fmt::format("{}-{}", commit.substr(0, 12), env.get("BUILDKITE_BUILD_NUMBER").value_or("0"));
}

std::string job_scope(const Environment& env) { return scope_safe(env.get("BUILDKITE_JOB_ID").value_or("local")); }

std::string step_scope(const Environment& env) {
    const auto key = env.get("BUILDKITE_STEP_KEY");
    if (!key) return job_scope(env);
    const auto parallel = env.get("BUILDKITE_PARALLEL_JOB");
    return scope_safe(parallel ? fmt::format("{}-{}", *key, *parallel) : *key);
}

std::string certificate_mount_path(std::string_view host) {
    return fmt::format("{}/{}.crt", k_certificates_mount, scope_safe(host));
}

std::string container_name_for(std::string_view scope) { return fmt::format("kaniko-{}", scope); }

Expected<std::string> debug_variant(std::string_view image) {
    if (image.find('@') != std::string_view::npos) {
        return Error::invalid_attribute("debug", image,
                                        "is pinned by digest, so its -debug variant cannot be derived; name the "
                                        "debug image in kaniko-image instead");
    }
    const auto last_slash = image.rfind('/');
    const auto colon = image.find(':', last_slash == std::string_view::npos ? 0 : last_slash);
    if (colon == std::string_view::npos) return fmt::format("{}:debug", image);
    const auto tag = image.substr(colon + 1);
    if (tag == "debug" || tag.ends_with("-debug")) return std::string(image);
    return fmt::format("{}-debug", image);
}

Expected<BuildPlan> make_plan(const Config& config, const Environment& env, const std::string& checkout_dir,
                              const HostFacts& host) {
    BuildPlan plan;
    plan.executor = resolve_executor(config, host);
    plan.executor_path = config.executor_path;
    // The Kaniko images set DOCKER_CONFIG to this directory.
    plan.local_docker_config_dir = env.get("DOCKER_CONFIG").value_or("/kaniko/.docker");
    while (plan.local_docker_config_dir.size() > 1 && plan.local_docker_config_dir.ends_with('/')) {
        plan.local_docker_config_dir.pop_back();
    }
    auto registry = resolve_registry(config, env);
    if (!registry) return registry.error();
    plan.registry = *registry;
    plan.image = config.image;
    plan.repository = fmt::format("{}/{}", plan.registry, config.image);

    std::vector<std::string> tags = config.tags;
    if (tags.empty()) {
        tags.push_back(default_tag(env));
        if (!is_valid_tag(tags.back())) {
            return Error::invalid_attribute("tags", tags.back(),
                                            "was derived from BUILDKITE_COMMIT and BUILDKITE_BUILD_NUMBER and is not "
                                            "a valid tag; set tags explicitly");
        }
    }
    if (config.platform) {
        for (auto& tag : tags) {
            tag += "-" + tag_suffix(*config.platform);
            if (!is_valid_tag(tag)) {
                return Error::invalid_attribute("tags", tag,
                                                "is too long once the platform is appended; use a tag of at most "
                                                "128 characters with the platform's suffix");
            }
        }
    }
    for (const auto& tag : tags) plan.destinations.push_back(fmt::format("{}:{}", plan.repository, tag));
    plan.tags = tags;
    const auto path_start = plan.registry.find('/');
    plan.api_repository = path_start == std::string::npos ? config.image
                                                          : fmt::format("{}/{}", plan.registry.substr(path_start + 1),
                                                                        config.image);

    const bool is_package_registry = registry_host(plan.registry) == k_package_registry_host;
    plan.auth = config.auth.value_or(is_package_registry ? Auth::oidc : Auth::docker_config);
    plan.oidc_audience = config.oidc_audience.value_or(fmt::format("https://{}", plan.registry));
    plan.oidc_lifetime = config.oidc_lifetime;
    if (plan.auth == Auth::docker_config) plan.docker_config_source = docker_config_file(env);

    auto executor_image = resolve_executor_image(config, env);
    if (!executor_image) return executor_image.error();
    plan.executor_image = *executor_image;
    auto verbosity = resolve_verbosity(config, env);
    if (!verbosity) return verbosity.error();
    plan.verbosity = *verbosity;

    plan.push = config.push && !env.flag("KANIKO_NO_PUSH");
    plan.annotate = config.annotate;
    plan.checkout_dir = checkout_dir;
    plan.context = config.context;
    plan.dockerfile = config.dockerfile;
    plan.job_scope = job_scope(env);
    plan.container_name = container_name_for(plan.job_scope);
    plan.annotation_context = fmt::format("kaniko-{}-{}", step_scope(env), scope_safe(plan.repository));
    plan.network = config.network;

    auto& args = plan.kaniko_args;
    args.push_back(fmt::format("--dockerfile={}", executor_view(plan, config.dockerfile)));
    args.push_back(fmt::format("--context=dir://{}", executor_view(plan, config.context)));
    for (const auto& destination : plan.destinations) args.push_back(fmt::format("--destination={}", destination));
    args.push_back(fmt::format("--verbosity={}", *verbosity));
    args.push_back("--log-timestamp");
    if (config.cache) {
        args.push_back("--cache=true");
        args.push_back(fmt::format("--cache-repo={}", config.cache_repo.value_or(plan.repository + "-cache")));
        if (config.cache_ttl) args.push_back(fmt::format("--cache-ttl={}", *config.cache_ttl));
        // Pushing cache layers needs push rights on the cache repository: with push: false nothing
        // leaves the agent unless asked for.
        if (!config.cache_push.value_or(plan.push)) args.push_back("--no-push-cache");
    }
    for (std::size_t i = 0; i < config.build_args.size(); ++i) {
        const auto& build_arg = config.build_args[i];
        if (build_arg.find('=') == std::string::npos) {
            if (!env.is_set(build_arg)) {
                return Error::invalid_attribute(fmt::format("build-args[{}]", i), build_arg,
                                                fmt::format("names a variable that is not set in the job environment; "
                                                            "set it in the step's env, or write {}=value",
                                                            build_arg));
            }
            plan.passthrough_env.push_back(build_arg);
        }
        args.push_back(fmt::format("--build-arg={}", build_arg));
    }
    if (config.target) args.push_back(fmt::format("--target={}", *config.target));
    for (const auto& label : config.labels) args.push_back(fmt::format("--label={}", label));
    if (config.platform) args.push_back(fmt::format("--custom-platform={}", to_string(*config.platform)));
    if (!plan.push) args.push_back("--no-push");
    for (const auto& [host_name, file] : config.registry_certificates) {
        const auto path = plan.executor == ExecutorKind::docker ? certificate_mount_path(host_name) : file;
        args.push_back(fmt::format("--registry-certificate={}={}", host_name, path));
    }
    for (const auto& host : config.insecure_registries) args.push_back(fmt::format("--insecure-registry={}", host));
    plan.secrets = config.secrets;
    plan.registry_certificates = config.registry_certificates;
    plan.insecure_registries = config.insecure_registries;
    plan.preflight = config.preflight;
    plan.skip_if_exists = config.skip_if_exists;
    plan.verify = config.verify;
    plan.extra_args = config.extra_args;
    plan.platform = config.platform;
    plan.index = config.index.empty() ? config.platforms : config.index;
    // KANIKO_NO_PUSH leaves nothing to sign.
    if ((config.sign || config.provenance) && plan.push) {
        plan.signing = SigningPlan{config.provenance, config.fulcio_url,
                                   config.transparency_log ? std::optional(config.rekor_url) : std::nullopt};
    }
    for (const auto& platform : config.platforms) {
        auto one = config;
        one.platforms.clear();
        one.platform = platform;
        one.sign = false;
        auto built = make_plan(one, env, checkout_dir, host);
        if (!built) return built.error();
        plan.platform_builds.push_back(std::move(*built));
    }
    return plan;
}

std::string platform_digest_key(std::string_view image, const Platform& platform) {
    return fmt::format("kaniko-digest:{}:{}", image, to_string(platform));
}

Argv executor_command(const BuildPlan& plan, const RuntimeDirs& dirs) {
    if (plan.executor == ExecutorKind::local) {
        Argv argv{plan.executor_path};
        argv.insert(argv.end(), plan.kaniko_args.begin(), plan.kaniko_args.end());
        for (const auto& secret : plan.secrets) {
            const auto path = secret.source == BuildSecret::Source::env ? fmt::format("{}/{}", dirs.secrets, secret.id)
                                                                       : secret.name;
            argv.push_back(fmt::format("--secret=id={},src={}", secret.id, path));
        }
        argv.push_back(fmt::format("--digest-file={}/digest", dirs.output));
        argv.insert(argv.end(), plan.extra_args.begin(), plan.extra_args.end());
        return argv;
    }
    Argv argv{"docker", "run", "--rm", "--name", plan.container_name};
    if (plan.network) argv.insert(argv.end(), {"--network", *plan.network});
    // Kaniko refuses to run unless it believes it is in a container; on cgroup v2 hosts it cannot
    // tell by itself (Kaniko issue 1542).
    argv.insert(argv.end(), {"-e", "container=docker"});
    for (const auto& name : plan.passthrough_env) argv.insert(argv.end(), {"-e", name});
    argv.insert(argv.end(), {"-v", fmt::format("{}:{}", plan.checkout_dir, k_workspace_mount)});
    if (dirs.credentials) argv.insert(argv.end(), {"-v", fmt::format("{}:{}:ro", *dirs.credentials, k_credentials_mount)});
    argv.insert(argv.end(), {"-v", fmt::format("{}:{}", dirs.output, k_output_mount)});
    for (const auto& [host, file] : plan.registry_certificates) {
        argv.insert(argv.end(), {"-v", fmt::format("{}:{}:ro", file, certificate_mount_path(host))});
    }
    // Secret values travel in files, never as -e: the engine keeps a container's environment, and
    // docker inspect shows it.
    bool env_secrets = false;
    for (const auto& secret : plan.secrets) {
        if (secret.source == BuildSecret::Source::env) {
            env_secrets = true;
        } else {
            argv.insert(argv.end(), {"-v", fmt::format("{}:{}/{}:ro", secret.name, k_secret_files_mount, secret.id)});
        }
    }
    if (env_secrets) argv.insert(argv.end(), {"-v", fmt::format("{}:{}:ro", dirs.secrets, k_secrets_mount)});
    argv.push_back(plan.executor_image);
    argv.insert(argv.end(), plan.kaniko_args.begin(), plan.kaniko_args.end());
    for (const auto& secret : plan.secrets) {
        const auto mount = secret.source == BuildSecret::Source::env ? k_secrets_mount : k_secret_files_mount;
        argv.push_back(fmt::format("--secret=id={},src={}/{}", secret.id, mount, secret.id));
    }
    argv.push_back(fmt::format("--digest-file={}", k_digest_file));
    argv.insert(argv.end(), plan.extra_args.begin(), plan.extra_args.end());
    return argv;
}

std::string_view to_string(ExecutorKind kind) { return kind == ExecutorKind::docker ? "docker" : "local"; }

std::vector<std::string> executor_hosts(const BuildPlan& plan) {
    std::vector<std::string> hosts{plan.registry};
    constexpr std::string_view cache_flag = "--cache-repo=";
    constexpr std::string_view mirror_flag = "--registry-mirror=";
    for (const auto& arg : plan.kaniko_args) {
        if (arg.starts_with(cache_flag)) hosts.push_back(arg.substr(cache_flag.size()));
    }
    for (const auto& arg : plan.extra_args) {
        if (arg.starts_with(mirror_flag)) hosts.push_back(arg.substr(mirror_flag.size()));
    }
    return hosts;
}

}  // namespace kaniko
