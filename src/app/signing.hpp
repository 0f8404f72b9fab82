#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "annotation/annotation.hpp"
#include "app/build.hpp"
#include "sigstore/provenance.hpp"
#include "util/error.hpp"

namespace kaniko {

struct BuildPlan;
class CredentialSession;
class Destination;
class LogRelay;

// The facts a provenance states about this build of `digest`: the job's, the plugin's configuration,
// and each base image the executor named, by the digest its registry serves for that name now (the
// step's own credentials for the step's registry, none elsewhere; one it cannot ask is named without
// a digest, and said in the log).
ProvenanceFacts build_provenance(const BuildPlan& plan, const BuildEnvironment& edges, const CredentialSession& session,
                                 const std::string& digest, const std::vector<std::string>& base_images,
                                 std::time_t started);

// Keyless signing of a pushed, verified `digest` with the job's OIDC identity, when the plan says
// so: an ephemeral key, a Fulcio certificate for it, a Rekor entry, and cosign's signature image in
// the registry; with `provenance`, an attestation the same way. Nothing when the plan signs
// nothing. A failure says the image is pushed but not signed.
Expected<std::optional<SignedImage>> sign_pushed(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay,
                                                 Destination* destination, const std::string& digest,
                                                 const std::optional<ProvenanceFacts>& provenance);

}  // namespace kaniko
