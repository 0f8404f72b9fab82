#pragma once

#include <optional>
#include <string>
#include <vector>

#include "annotation/annotation.hpp"
#include "app/build.hpp"
#include "sigstore/provenance.hpp"
#include "util/error.hpp"

namespace kaniko {

struct BuildPlan;
class Destination;
class LogRelay;

// Keyless signing of a pushed, verified `digest` with the job's OIDC identity: an ephemeral key, a
// Fulcio certificate for it, a Rekor entry, and cosign's signature image in the registry; with
// provenance, an attestation the same way. `provenance` holds the facts when the plan asks for one.
Expected<SignedImage> sign_image(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay,
                                 Destination& destination, const std::string& digest,
                                 const std::optional<ProvenanceFacts>& provenance);

}  // namespace kaniko
