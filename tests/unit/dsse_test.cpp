#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "json_checks.hpp"
#include "sigstore/dsse.hpp"
#include "util/base64.hpp"

using namespace kaniko;
using kaniko::testing::as_json;

TEST_CASE("dsse: the pre-authentication encoding, as the DSSE specification's example", "[sigstore]") {
    CHECK(dsse_pae("http://example.com/HelloWorld", "hello world") ==
          "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    CHECK(dsse_pae(k_in_toto_payload_type, "") == "DSSEv1 28 application/vnd.in-toto+json 0 ");
}

TEST_CASE("dsse: the envelope carries the payload and the signature in base64", "[sigstore]") {
    const auto envelope = boost::json::parse(dsse_envelope(k_in_toto_payload_type, R"({"a":1})", "\x30\x01")).as_object();
    CHECK(envelope.at("payloadType") == as_json(k_in_toto_payload_type));
    CHECK(base64_decode(std::string(envelope.at("payload").as_string())) == R"({"a":1})");
    const auto& signatures = envelope.at("signatures").as_array();
    REQUIRE(signatures.size() == 1);
    CHECK(base64_decode(std::string(signatures[0].at("sig").as_string())) == std::string("\x30\x01"));
    CHECK(signatures[0].at("keyid") == "");
}
