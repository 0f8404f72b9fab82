#include "sigstore/fulcio.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "registry/http.hpp"
#include "sigstore/service.hpp"

namespace kaniko {

namespace json = boost::json;

std::string signing_cert_request(std::string_view token, std::string_view public_key_pem, std::string_view proof) {
    const json::object request{
        {"credentials", json::object{{"oidcIdentityToken", token}}},
        {"publicKeyRequest",
         json::object{{"publicKey", json::object{{"algorithm", "ECDSA"}, {"content", public_key_pem}}},
                      {"proofOfPossession", proof}}}};
    return json::serialize(request);
}

Expected<CertificateChain> read_signing_cert_answer(long status, std::string_view body, std::string_view url) {
    if (status != 200 && status != 201) {
        return Error::failure(fmt::format(
            "Fulcio refused a certificate: POST {} answered {}: {}; Fulcio must trust the token's issuer "
            "(iss) with client ID {} (check fulcio-url)",
            url, status, service_message(body), k_sigstore_audience));
    }
    boost::system::error_code ec;
    const auto value = json::parse(body, ec);
    const json::array* certificates = nullptr;
    if (!ec && value.is_object()) {
        for (const auto* kind : {"signedCertificateEmbeddedSct", "signedCertificateDetachedSct"}) {
            const auto* signed_certificate = value.as_object().if_contains(kind);
            if (signed_certificate == nullptr || !signed_certificate->is_object()) continue;
            const auto* chain = signed_certificate->as_object().if_contains("chain");
            const auto* listed = chain != nullptr && chain->is_object() ? chain->as_object().if_contains("certificates")
                                                                        : nullptr;
            if (listed != nullptr && listed->is_array()) certificates = &listed->as_array();
        }
    }
    if (certificates == nullptr || certificates->empty() ||
        !std::all_of(certificates->begin(), certificates->end(),
                     [](const json::value& v) { return v.is_string() && !v.as_string().empty(); })) {
        return Error::failure(fmt::format("POST {} answered {} without a certificate chain", url, status));
    }
    CertificateChain result{std::string((*certificates)[0].as_string()), {}};
    for (std::size_t i = 1; i < certificates->size(); ++i) result.chain += (*certificates)[i].as_string();
    return result;
}

Expected<CertificateChain> request_certificate(HttpClient& http, std::string_view fulcio_url, std::string_view token,
                                               std::string_view public_key_pem, std::string_view proof) {
    const auto url = fmt::format("{}/api/v2/signingCert", fulcio_url);
    auto response = post_json(http, url, signing_cert_request(token, public_key_pem, proof));
    if (!response) return response.error();
    return read_signing_cert_answer(response->status, response->body, url);
}

}  // namespace kaniko
