#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "fakes.hpp"
#include "sigstore/fulcio.hpp"

using namespace kaniko;
using kaniko::testing::ScriptedHttp;

namespace {

std::string chain_answer(std::string_view kind) {
    return fmt::format(R"({{"{}":{{"chain":{{"certificates":["LEAF\n","INTERMEDIATE\n","ROOT\n"]}}}}}})", kind);
}

}  // namespace

TEST_CASE("fulcio: the request proves possession of the key over the token's subject", "[sigstore]") {
    const auto request = boost::json::parse(signing_cert_request("TOKEN", "PUBLIC PEM", "UFJPT0Y=")).as_object();
    CHECK(request.at("credentials").at("oidcIdentityToken") == "TOKEN");
    const auto& key_request = request.at("publicKeyRequest").as_object();
    CHECK(key_request.at("publicKey").at("algorithm") == "ECDSA");
    CHECK(key_request.at("publicKey").at("content") == "PUBLIC PEM");
    CHECK(key_request.at("proofOfPossession") == "UFJPT0Y=");
}

TEST_CASE("fulcio: the leaf and the chain above it, with an embedded or a detached SCT", "[sigstore]") {
    for (const auto* kind : {"signedCertificateEmbeddedSct", "signedCertificateDetachedSct"}) {
        const auto chain = read_signing_cert_answer(201, chain_answer(kind), "https://fulcio.example/api/v2/signingCert");
        REQUIRE(chain);
        CHECK(chain->leaf == "LEAF\n");
        CHECK(chain->chain == "INTERMEDIATE\nROOT\n");
    }
}

TEST_CASE("fulcio: a refusal says what Fulcio said and what to check", "[sigstore]") {
    const auto refused = read_signing_cert_answer(
        401, R"({"code":16,"message":"There was an error processing the identity token"})", "https://f/api/v2/signingCert");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message ==
          "Fulcio refused a certificate: POST https://f/api/v2/signingCert answered 401: \"There was an error "
          "processing the identity token\"; Fulcio must trust the token's issuer (iss) with client ID sigstore (check "
          "fulcio-url)");
    const auto plain = read_signing_cert_answer(502, "bad\ngateway", "https://f/api/v2/signingCert");
    REQUIRE_FALSE(plain);
    CHECK(plain.error().message.find("answered 502: \"bad gateway\"") != std::string::npos);
}

TEST_CASE("fulcio: an answer without a chain is an error, not a crash", "[sigstore]") {
    for (const auto* body : {"", "[]", R"({"signedCertificateEmbeddedSct":{}})",
                             R"({"signedCertificateEmbeddedSct":{"chain":{"certificates":[]}}})",
                             R"({"signedCertificateEmbeddedSct":{"chain":{"certificates":[1]}}})",
                             R"({"signedCertificateEmbeddedSct":{"chain":{"certificates":[""]}}})"}) {
        const auto chain = read_signing_cert_answer(200, body, "https://f/api/v2/signingCert");
        REQUIRE_FALSE(chain);
        CHECK(chain.error().message == "POST https://f/api/v2/signingCert answered 200 without a certificate chain");
    }
}

TEST_CASE("fulcio: one POST of JSON to the instance's signingCert endpoint", "[sigstore]") {
    ScriptedHttp http;
    http.answers = {HttpResponse{200, {}, chain_answer("signedCertificateEmbeddedSct")}};
    const auto chain = request_certificate(http, "http://127.0.0.1:5555", "TOKEN", "PEM", "PROOF");
    REQUIRE(chain);
    REQUIRE(http.requests.size() == 1);
    CHECK(http.requests[0].method == "POST");
    CHECK(http.requests[0].url == "http://127.0.0.1:5555/api/v2/signingCert");
    CHECK(std::find(http.requests[0].headers.begin(), http.requests[0].headers.end(), "Content-Type: application/json") !=
          http.requests[0].headers.end());
    CHECK(http.requests[0].body->find(R"("oidcIdentityToken":"TOKEN")") != std::string::npos);
}
