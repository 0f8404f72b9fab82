#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace kaniko {

// An ECDSA P-256 key that lives in this process's memory only: made for one signing, certified by
// Fulcio for ten minutes, and gone with the object. Nothing of it is ever written anywhere.
class EphemeralKey {
public:
    static Expected<EphemeralKey> generate();
    ~EphemeralKey();
    EphemeralKey(EphemeralKey&&) noexcept;
    EphemeralKey& operator=(EphemeralKey&&) noexcept;

    // SubjectPublicKeyInfo, PEM: what Fulcio certifies.
    std::string public_key_pem() const;
    // ECDSA over SHA-256 of `message`, ASN.1 DER: the form cosign, Rekor and DSSE verify.
    Expected<std::string> sign(std::string_view message) const;

private:
    struct Impl;
    explicit EphemeralKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The URI subject alternative names of a PEM certificate: a Fulcio certificate's identity.
Expected<std::vector<std::string>> certificate_uris(std::string_view pem);

}  // namespace kaniko
