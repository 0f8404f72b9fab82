#include "app/preconditions.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "plan/plan.hpp"
#include "registry/reference.hpp"
#include "util/files.hpp"

namespace kaniko {

namespace {

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

// A missing CA file is named before a token is requested, whichever executor reads it.
Status check_certificate_files(const BuildPlan& plan) {
    for (const auto& [host, file] : plan.registry_certificates) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec)) {
            return Error::invalid_attribute(fmt::format("registry-certificates.{}", host), file,
                                            "is not a file on this agent; give the CA certificate's path");
        }
    }
    return Ok{};
}

Status check_docker_config(const BuildPlan& plan) {
    if (plan.auth != Auth::docker_config) return Ok{};
    std::error_code ec;
    if (std::filesystem::is_regular_file(plan.docker_config_source, ec)) return Ok{};
    return missing_docker_config(plan.docker_config_source);
}

// From a container on the default network, 127.0.0.1 is the container itself: pre-flight would pass
// from the agent, and then the executor would fail with `connection refused` and no hint.
Status check_loopback(const BuildPlan& plan) {
    if (plan.executor != ExecutorKind::docker || plan.network == "host") return Ok{};
    for (const auto& host : executor_hosts(plan)) {
        if (!is_loopback_host(host)) continue;
        return Error::invalid_config(fmt::format(
            "{} is on the agent's loopback, which the executor's container cannot reach on network {}; add "
            "network: host",
            host, plan.network.value_or("default")));
    }
    return Ok{};
}

// A secret's file stays out of the checkout: there the build context would take it into the image.
Status check_secrets(const BuildPlan& plan, const Environment& env) {
    for (std::size_t i = 0; i < plan.secrets.size(); ++i) {
        const auto& secret = plan.secrets[i];
        const auto label = fmt::format("secrets[{}]", i);
        if (secret.source == BuildSecret::Source::env) {
            if (env.is_set(secret.name)) continue;
            return Error::invalid_attribute(secret.name == secret.id ? label : label + ".env", secret.name,
                                            "names a variable that is not set in the job environment; set it in "
                                            "the step's env or an agent hook");
        }
        std::error_code ec;
        if (!std::filesystem::is_regular_file(secret.name, ec)) {
            return Error::invalid_attribute(label + ".file", secret.name, "is not a file on this agent");
        }
        const auto inside = resolve_inside(plan.checkout_dir, secret.name);
        if (!inside) {
            return Error::invalid_attribute(label + ".file", secret.name,
                                            fmt::format("cannot be resolved on this agent ({})", inside.error().message));
        }
        if (*inside) {
            return Error::invalid_attribute(label + ".file", secret.name,
                                            "is inside the checkout, where the build context would carry it into the "
                                            "image; keep it outside the checkout");
        }
    }
    return Ok{};
}

}  // namespace

Error missing_docker_config(const std::string& path) {
    return Error::invalid_config(fmt::format(
        "auth: docker-config needs a Docker config file at {} (from DOCKER_CONFIG or HOME); run docker login, or use "
        "auth: oidc or auth: none",
        path));
}

Status check_preconditions(const BuildPlan& plan, const Environment& env) {
    // An index step reads and puts manifests itself: no build files, no executor, no secrets.
    if (is_index_only(plan)) {
        if (auto checked = check_certificate_files(plan); !checked) return checked;
        return check_docker_config(plan);
    }
    for (const auto& check : {check_build_files, check_certificate_files, check_docker_config, check_loopback}) {
        if (auto checked = check(plan); !checked) return checked;
    }
    return check_secrets(plan, env);
}

}  // namespace kaniko
