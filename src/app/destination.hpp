#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "registry/credentials.hpp"
#include "registry/index.hpp"
#include "util/error.hpp"

namespace kaniko {

struct BuildPlan;
class HttpClient;
class RegistryClient;
struct SignatureLayer;

// The repository and tags a step pushes to, as the registry sees them: every question the helper
// asks the registry on a build's behalf, and the index it puts there. Messages name the phase.
class Destination {
public:
    Destination(const BuildPlan& plan, HttpClient& http, std::optional<BasicCredentials> login);
    ~Destination();
    Destination(const Destination&) = delete;
    Destination& operator=(const Destination&) = delete;

    // Pre-flight: may these credentials pull and push the repository? Says so in the log.
    Status preflight(std::ostream& log);
    // The digest every tag already points to, when they all exist and agree.
    Expected<std::optional<std::string>> existing_digest();
    // Every tag points to `digest`: the registry has the last word on what a push did.
    Status verify(const std::string& digest, std::string_view pushed_by);

    // A platform's image manifest by digest, read and checked: its config says `platform`. `key`
    // names where the digest came from, for a message.
    Expected<IndexChild> child(const Platform& platform, const std::string& digest, std::string_view key);
    // The digest every tag already points to, when each holds one index of exactly `children`.
    Expected<std::optional<std::string>> existing_index_of(const std::vector<IndexChild>& children);
    // Puts `index` under every tag. With `verify`, each tag must then hold it: the digest the registry
    // answered the PUT with, or, where it names none, the one it answers a HEAD with.
    Status put(const Manifest& index, bool verify);

    // Adds a signature to the cosign image under `tag` (sha256-<hex>.sig or .att), keeping the
    // signatures it held; returns that image's reference.
    Expected<std::string> add_signature(const std::string& tag, const SignatureLayer& layer);

private:
    Expected<std::optional<std::string>> held_by(std::size_t tag);
    Status check_tag(std::size_t tag, const std::optional<std::string>& held, const std::string& digest,
                     std::string_view pushed_by) const;

    const BuildPlan& m_plan;
    std::unique_ptr<RegistryClient> m_client;
};

}  // namespace kaniko
