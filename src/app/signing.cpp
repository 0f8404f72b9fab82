#include "app/signing.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <ctime>
#include <map>
#include <ostream>
#include <vector>

#include "app/credential_session.hpp"
#include "app/destination.hpp"
#include "buildkite/agent.hpp"
#include "buildkite/oidc.hpp"
#include "config/source.hpp"
#include "plan/plan.hpp"
#include "registry/client.hpp"
#include "registry/reference.hpp"
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

Expected<SignedImage> sign_image(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay,
                                 Destination& destination, const std::string& digest,
                                 const std::optional<ProvenanceFacts>& provenance) {
    fmt::print(edges.log, "--- :lock: Signing {}@{}\n", plan.repository, digest);
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

std::string rfc3339(std::time_t when) {
    std::tm utc{};
    gmtime_r(&when, &utc);
    char text[32];
    return std::string(text, std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc));
}

std::vector<BaseImage> resolve_base_images(const BuildPlan& plan, const BuildEnvironment& edges,
                                           const CredentialSession& session, const std::vector<std::string>& names) {
    // One client per registry: bases from one host share its challenge and its tokens.
    std::map<std::string, RegistryClient> clients;
    const auto client_for = [&](const std::string& host) -> RegistryClient& {
        const auto own = host == registry_host(plan.registry);
        return clients
            .try_emplace(host, edges.http, endpoint_for(host, plan.registry_certificates, plan.insecure_registries),
                         own ? session.registry_login() : std::nullopt)
            .first->second;
    };
    const auto resolve = [&](const std::string& name) -> Expected<std::string> {
        auto reference = parse_reference(name);
        if (!reference) return reference.error();
        if (!reference->digest.empty()) return reference->digest;
        auto digest = client_for(reference->host).manifest_digest(reference->repository, reference->tag);
        if (!digest) return digest.error();
        if (!*digest) return Error::failure("its registry has no such manifest");
        return **digest;
    };
    std::vector<BaseImage> images;
    for (const auto& name : names) {
        auto digest = resolve(name);
        if (!digest) {
            fmt::print(edges.log, "kaniko: warning: provenance: the base image {} is named without a digest: {}\n",
                       name, digest.error().message);
        }
        images.push_back({name, digest ? *digest : std::string()});
    }
    return images;
}

}  // namespace

ProvenanceFacts build_provenance(const BuildPlan& plan, const BuildEnvironment& edges, const CredentialSession& session,
                                 const std::string& digest, const std::vector<std::string>& base_images,
                                 std::time_t started) {
    auto facts = job_provenance_facts(edges.env);
    facts.subject = plan.repository;
    facts.digest = digest;
    const auto configuration = plugin_configuration_json(edges.env);
    facts.configuration = configuration ? *configuration : "{}";
    facts.dockerfile = plan.dockerfile;
    facts.base_images = resolve_base_images(plan, edges, session, base_images);
    facts.builder_version = edges.version;
    facts.started_on = rfc3339(started);
    facts.finished_on = rfc3339(std::time(nullptr));
    return facts;
}

Expected<std::optional<SignedImage>> sign_pushed(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay,
                                                 Destination* destination, const std::string& digest,
                                                 const std::optional<ProvenanceFacts>& facts) {
    if (!plan.signing) return std::optional<SignedImage>();
    const auto unsigned_because = [&](std::string_view reason) {
        return Error::failure(fmt::format("{}@{} is pushed but not signed: {}", plan.repository, digest, reason));
    };
    if (destination == nullptr) {
        return unsigned_because("the helper cannot sign in to the registry on this agent (its credential helper is "
                                "missing) to store the signature; install it, or use auth: oidc");
    }
    if (const auto signal = edges.runner.cancel_signal(); signal != 0) return Error::cancelled(signal);
    auto signed_image = sign_image(plan, edges, relay, *destination, digest, facts);
    if (!signed_image) {
        if (signed_image.error().is_cancellation()) return signed_image.error();
        return unsigned_because(signed_image.error().message);
    }
    return std::optional<SignedImage>(std::move(*signed_image));
}

}  // namespace kaniko
