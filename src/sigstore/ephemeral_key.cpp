#include "sigstore/ephemeral_key.hpp"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>

namespace kaniko {

namespace {

std::string openssl_reason() {
    const auto code = ERR_get_error();
    if (code == 0) return "no reason given";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return text;
}

struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const auto size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

}  // namespace

struct EphemeralKey::Impl {
    EVP_PKEY* key = nullptr;
    ~Impl() { EVP_PKEY_free(key); }
};

EphemeralKey::EphemeralKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
EphemeralKey::~EphemeralKey() = default;
EphemeralKey::EphemeralKey(EphemeralKey&&) noexcept = default;
EphemeralKey& EphemeralKey::operator=(EphemeralKey&&) noexcept = default;

Expected<EphemeralKey> EphemeralKey::generate() {
    auto impl = std::make_unique<Impl>();
    impl->key = EVP_EC_gen("P-256");
    if (impl->key == nullptr) {
        return Error::failure(fmt::format("could not make an ECDSA P-256 key: {}", openssl_reason()));
    }
    return EphemeralKey(std::move(impl));
}

std::string EphemeralKey::public_key_pem() const {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), m_impl->key) != 1) return {};
    return bio_text(bio.get());
}

Expected<std::string> EphemeralKey::sign(std::string_view message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t size = 0;
    if (!context || EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, m_impl->key) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
        return Error::failure(fmt::format("ECDSA failed: {}", openssl_reason()));
    }
    std::string signature(size, '\0');
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
        return Error::failure(fmt::format("ECDSA failed: {}", openssl_reason()));
    }
    signature.resize(size);  // a DER signature's length varies with its integers
    return signature;
}

Expected<std::vector<std::string>> certificate_uris(std::string_view pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::unique_ptr<X509, decltype(&X509_free)> certificate(
        bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, X509_free);
    if (!certificate) return Error::failure(fmt::format("not a PEM certificate: {}", openssl_reason()));
    std::vector<std::string> uris;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate.get(), NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
        const auto* name = sk_GENERAL_NAME_value(names, i);
        if (name->type != GEN_URI) continue;
        const auto* uri = name->d.uniformResourceIdentifier;
        uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                          static_cast<std::size_t>(ASN1_STRING_length(uri)));
    }
    GENERAL_NAMES_free(names);
    return uris;
}

}  // namespace kaniko
