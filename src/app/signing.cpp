#include "app/signing.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <ctime>
#include <ostream>

#include "app/credential_session.hpp"
#include "app/destination.hpp"
#include "buildkite/agent.hpp"
#include "buildkite/oidc.hpp"
#include "plan/plan.hpp"
#include "sigstore/cosign.hpp"
#include "sigstore/dsse.hpp"
#include "sigstore/ephemeral_key.hpp"
#include "sigstore/fulcio.hpp"
#include "sigstore/rekor.hpp"
#include "util/base64.hpp"
#include "util/log_relay.hpp"
#include "util/secrets.hpp"
#include "util/sha256.hpp"

namespace kaniko {

namespace {

// The job's identity for Sigstore: a token with Fulcio's audience, protected like any other.
Expected<std::string> sigstore_token(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay) {
    fmt::print(edges.log, "kaniko: requesting an OIDC token for {} (lifetime {}s)\n", k_sigstore_audience,
               plan.oidc_lifetime);
    auto token = edges.agent.request_token(k_sigstore_audience, plan.oidc_lifetime);
    if (!token) return token.error();
    if (auto protected_ = protect(edges, relay, {{*token, {}}}); !protected_) return protected_.error();
    return token;
}

struct Certified {
    EphemeralKey key;
    CertificateChain chain;
    std::string identity;
    std::string issuer;
};

Expected<Certified> certify(const BuildPlan& plan, const BuildEnvironment& edges, const std::string& token) {
    auto claims = decode_token_claims(token);
    if (!claims) return claims.error();
    if (claims->audience != k_sigstore_audience) {
        return Error::failure(fmt::format("the agent issued the signing token for the audience {}, not {}, which "
                                          "Fulcio expects",
                                          quote_value(claims->audience), k_sigstore_audience));
    }
    if (auto checked = check_token_claims(*claims, k_sigstore_audience, static_cast<std::int64_t>(std::time(nullptr)));
        !checked) {
        return checked.error();
    }
    if (claims->subject.empty()) return Error::failure("the OIDC token has no subject (sub) to prove the key with");
    auto key = EphemeralKey::generate();
    if (!key) return key.error();
    auto proof = key->sign(claims->subject);
    if (!proof) return proof.error();
    auto chain = request_certificate(edges.http, plan.signing->fulcio_url, token, key->public_key_pem(),
                                     base64_encode(*proof));
    if (!chain) return chain.error();
    auto uris = certificate_uris(chain->leaf);
    if (!uris || uris->empty()) {
        return Error::failure(fmt::format("Fulcio ({}) issued a certificate without a URI identity",
                                          plan.signing->fulcio_url));
    }
    fmt::print(edges.log, "kaniko: certificate from {} for {}\n", plan.signing->fulcio_url, uris->front());
    return Certified{std::move(*key), std::move(*chain), uris->front(), claims->issuer};
}

Expected<std::optional<LogEntry>> log_entry(const BuildPlan& plan, const BuildEnvironment& edges, std::string entry) {
    if (!plan.signing->rekor_url) return std::optional<LogEntry>();
    auto recorded = record_entry(edges.http, *plan.signing->rekor_url, std::move(entry));
    if (!recorded) return recorded.error();
    fmt::print(edges.log, "kaniko: recorded in {} at index {}\n", *plan.signing->rekor_url, recorded->log_index);
    return std::optional<LogEntry>(std::move(*recorded));
}

Expected<std::string> store_signature(const BuildPlan& plan, const BuildEnvironment& edges, Destination& destination,
                                      const Certified& certified, const std::string& digest) {
    const auto payload = simple_signing_payload(plan.repository, digest);
    auto signature = certified.key.sign(payload);
    if (!signature) return signature.error();
    auto entry = log_entry(plan, edges, hashedrekord_entry(sha256_hex(payload), *signature, certified.chain.leaf));
    if (!entry) return entry.error();
    const SignatureLayer layer{std::string(k_simple_signing_type), payload, base64_encode(*signature),
                               certified.chain.leaf, certified.chain.chain, std::move(*entry)};
    return destination.add_signature(cosign_tag(digest, k_signature_suffix), layer);
}

Expected<std::string> store_attestation(const BuildPlan& plan, const BuildEnvironment& edges, Destination& destination,
                                        const Certified& certified, const std::string& digest,
                                        const ProvenanceFacts& facts) {
    const auto statement = provenance_statement(facts);
    auto signature = certified.key.sign(dsse_pae(k_in_toto_payload_type, statement));
    if (!signature) return signature.error();
    const auto envelope = dsse_envelope(k_in_toto_payload_type, statement, *signature);
    auto entry = log_entry(plan, edges, dsse_entry(envelope, certified.chain.leaf));
    if (!entry) return entry.error();
    const SignatureLayer layer{std::string(k_dsse_envelope_type), envelope, {}, certified.chain.leaf,
                               certified.chain.chain, std::move(*entry),
                               {{"predicateType", std::string(k_slsa_provenance_type)}}};
    return destination.add_signature(cosign_tag(digest, k_attestation_suffix), layer);
}

}  // namespace

Expected<SignedImage> sign_image(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay,
                                 Destination& destination, const std::string& digest,
                                 const std::optional<ProvenanceFacts>& provenance) {
    fmt::print(edges.log, "--- :closed_lock_with_key: Signing {}@{}\n", plan.repository, digest);
    auto token = sigstore_token(plan, edges, relay);
    if (!token) return token.error();
    auto certified = certify(plan, edges, *token);
    if (!certified) return certified.error();
    SignedImage signed_image{certified->identity, certified->issuer, {}, {}, plan.signing->rekor_url.has_value()};
    auto signature = store_signature(plan, edges, destination, *certified, digest);
    if (!signature) return signature.error();
    signed_image.signature = std::move(*signature);
    fmt::print(edges.log, "kaniko: signed: {}\n", signed_image.signature);
    if (provenance) {
        auto attestation = store_attestation(plan, edges, destination, *certified, digest, *provenance);
        if (!attestation) return attestation.error();
        signed_image.attestation = std::move(*attestation);
        fmt::print(edges.log, "kaniko: provenance: {}\n", *signed_image.attestation);
    }
    return signed_image;
}

}  // namespace kaniko
