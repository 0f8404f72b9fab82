#include <catch2/catch.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "certificates.hpp"
#include "sigstore/ephemeral_key.hpp"

using namespace kaniko;

namespace {

// Verifies with OpenSSL directly, from the PEM alone: what Fulcio and Rekor do with the key.
bool verifies(const std::string& public_key_pem, std::string_view message, const std::string& signature) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())),
                                                  BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                            EVP_PKEY_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    REQUIRE(key);
    REQUIRE(EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1);
    return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

}  // namespace

TEST_CASE("ephemeral_key: a P-256 key whose signatures its public key verifies", "[sigstore]") {
    auto key = EphemeralKey::generate();
    REQUIRE(key);
    const auto pem = key->public_key_pem();
    CHECK(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    auto signature = key->sign("organization:acme:pipeline:app");
    REQUIRE(signature);
    CHECK(signature->front() == '\x30');  // an ASN.1 SEQUENCE of r and s
    CHECK(verifies(pem, "organization:acme:pipeline:app", *signature));
    CHECK_FALSE(verifies(pem, "organization:acme:pipeline:other", *signature));
}

TEST_CASE("ephemeral_key: every key is new", "[sigstore]") {
    auto first = EphemeralKey::generate();
    auto second = EphemeralKey::generate();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->public_key_pem() != second->public_key_pem());
    auto signature = first->sign("payload");
    REQUIRE(signature);
    CHECK_FALSE(verifies(second->public_key_pem(), "payload", *signature));
}

TEST_CASE("ephemeral_key: a certificate's URI identities", "[sigstore]") {
    const auto uris = certificate_uris(kaniko::testing::k_job_certificate);
    REQUIRE(uris);
    CHECK(*uris == std::vector<std::string>{"https://buildkite.com/acme/app"});
    const auto none = certificate_uris(kaniko::testing::k_certificate_without_uri);
    REQUIRE(none);
    CHECK(none->empty());
    const auto garbage = certificate_uris("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().message.starts_with("not a PEM certificate"));
}
