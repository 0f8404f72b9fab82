#include "app/destination.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <ostream>

#include "annotation/annotation.hpp"
#include "plan/plan.hpp"
#include "registry/client.hpp"
#include "registry/reference.hpp"
#include "sigstore/cosign.hpp"

namespace kaniko {

Destination::Destination(const BuildPlan& plan, HttpClient& http, std::optional<BasicCredentials> login)
    : m_plan(plan),
      m_client(std::make_unique<RegistryClient>(
          http, endpoint_for(registry_host(plan.registry), plan.registry_certificates, plan.insecure_registries),
          std::move(login))) {}

Destination::~Destination() = default;

Status Destination::preflight(std::ostream& log) {
    auto access = m_client->check_access(m_plan.api_repository);
    if (!access) {
        return Error::failure(fmt::format("pre-flight: {}; check that the registry is up and reachable from the agent "
                                          "(set preflight: false to skip this check)",
                                          access.error().message));
    }
    if (access->granted) {
        fmt::print(log, "kaniko: pre-flight: {} accepts the credentials for {}\n", m_client->base_url(),
                   m_plan.api_repository);
        return Ok{};
    }
    const RefusalReport report{access->detail, m_plan.auth, m_plan.oidc_audience, registry_host(m_plan.registry)};
    return Error::failure(fmt::format("pre-flight: the registry refused the credentials ({}). {}", access->detail,
                                      refusal_advice(report)));
}

Expected<std::optional<std::string>> Destination::existing_digest() {
    std::optional<std::string> common;
    for (const auto& tag : m_plan.tags) {
        auto digest = m_client->manifest_digest(m_plan.api_repository, tag);
        if (!digest) return digest.error();
        if (!*digest || (common && *common != **digest)) return std::optional<std::string>();
        common = **digest;
    }
    return common;
}

// What the registry said tag number `tag` holds (nothing: no such tag), against what was pushed.
Status Destination::check_tag(std::size_t tag, const std::optional<std::string>& held, const std::string& digest,
                              std::string_view pushed_by) const {
    if (!held) {
        return Error::failure(fmt::format("verification: {} is not in the registry after the push ({} "
                                          "reported {}); check the log for push errors",
                                          m_plan.destinations[tag], pushed_by, digest));
    }
    if (*held != digest) {
        return Error::failure(fmt::format("verification: {} points to {}, not to {} that {} pushed; "
                                          "another build may have pushed the same tag",
                                          m_plan.destinations[tag], *held, digest, pushed_by));
    }
    return Ok{};
}

Expected<std::optional<std::string>> Destination::held_by(std::size_t tag) {
    auto found = m_client->manifest_digest(m_plan.api_repository, m_plan.tags[tag]);
    if (!found) return Error::failure(fmt::format("verification: {}", found.error().message));
    return found;
}

Status Destination::verify(const std::string& digest, std::string_view pushed_by) {
    for (std::size_t i = 0; i < m_plan.tags.size(); ++i) {
        auto held = held_by(i);
        if (!held) return held.error();
        if (auto checked = check_tag(i, *held, digest, pushed_by); !checked) return checked;
    }
    return Ok{};
}

Expected<IndexChild> Destination::child(const Platform& platform, const std::string& digest, std::string_view key) {
    const auto what = fmt::format("{}@{} (the {} image, from {})", m_plan.repository, digest, to_string(platform), key);
    auto manifest = m_client->fetch_manifest(m_plan.api_repository, digest);
    if (!manifest) return Error::failure(fmt::format("index: {}", manifest.error().message));
    if (!*manifest) {
        return Error::failure(fmt::format("index: {} is not in the registry; build {} again, to this repository",
                                          what, to_string(platform)));
    }
    auto config = config_digest(**manifest, what);
    if (!config) return Error::failure(fmt::format("index: {}", config.error().message));
    auto blob = m_client->fetch_blob(m_plan.api_repository, *config);
    if (!blob) return Error::failure(fmt::format("index: {}", blob.error().message));
    auto recorded = config_platform(*blob);
    if (!recorded) return Error::failure(fmt::format("index: {}: {}", what, recorded.error().message));
    if (*recorded != platform) {
        return Error::failure(fmt::format(
            "index: {} is a {} image, not {}: its build ran for the wrong platform; give that step platform: {} "
            "(and agents of that architecture), then build it again",
            what, to_string(*recorded), to_string(platform), to_string(platform)));
    }
    return IndexChild{platform, (*manifest)->media_type, digest, (*manifest)->body.size()};
}

Expected<std::optional<std::string>> Destination::existing_index_of(const std::vector<IndexChild>& children) {
    std::optional<std::string> common;
    for (const auto& tag : m_plan.tags) {
        auto held = m_client->fetch_manifest(m_plan.api_repository, tag);
        if (!held) return Error::failure(fmt::format("skip-if-exists: {}", held.error().message));
        if (!*held || !is_index_of(**held, children) || (common && *common != (*held)->digest)) {
            return std::optional<std::string>();
        }
        common = (*held)->digest;
    }
    return common;
}

Status Destination::put(const Manifest& index, bool verify) {
    for (std::size_t i = 0; i < m_plan.tags.size(); ++i) {
        auto stored = m_client->put_manifest(m_plan.api_repository, m_plan.tags[i], index);
        if (!stored) return Error::failure(fmt::format("index: {}", stored.error().message));
        if (!verify) continue;
        // The registry's answer to the PUT names what it stored; a HEAD asks where it does not.
        auto held = *stored ? Expected<std::optional<std::string>>(*stored) : held_by(i);
        if (!held) return held.error();
        if (auto checked = check_tag(i, *held, index.digest, "the helper"); !checked) return checked;
    }
    return Ok{};
}

Expected<std::string> Destination::add_signature(const std::string& tag, const SignatureLayer& layer) {
    const auto& repository = m_plan.api_repository;
    const auto reference = fmt::format("{}:{}", m_plan.repository, tag);
    const auto failed = [&](const Error& error) {
        return Error::failure(fmt::format("storing the signature {}: {}", reference, error.message));
    };
    auto existing = m_client->fetch_manifest(repository, tag);
    if (!existing) return failed(existing.error());
    auto image = kaniko::add_signature(*existing, layer);
    if (!image) return failed(image.error());
    for (const auto* blob : {&image->config, &image->layer}) {
        if (auto uploaded = m_client->upload_blob(repository, *blob); !uploaded) return failed(uploaded.error());
    }
    auto stored = m_client->put_manifest(repository, tag, image->manifest);
    if (!stored) return failed(stored.error());
    if (*stored && **stored != image->manifest.digest) {
        return failed(Error::failure(fmt::format("the registry stored {}, not {}", **stored, image->manifest.digest)));
    }
    return reference;
}

}  // namespace kaniko
