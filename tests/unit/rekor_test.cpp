#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "fakes.hpp"
#include "json_checks.hpp"
#include "sigstore/rekor.hpp"
#include "util/base64.hpp"

using namespace kaniko;
using kaniko::testing::as_json;
using kaniko::testing::ScriptedHttp;

namespace {

constexpr auto k_answer = R"({"24296fb24b8ad77a":{"body":"Ym9keQ==","integratedTime":1700000000,"logID":"c0d2",
    "logIndex":12,"verification":{"signedEntryTimestamp":"U0VU"}}})";

}  // namespace

TEST_CASE("rekor: a hashedrekord entry names the payload's hash, the signature and the certificate", "[sigstore]") {
    const auto entry = boost::json::parse(hashedrekord_entry("ab12", "\x30\x02", "CERT PEM")).as_object();
    CHECK(entry.at("apiVersion") == "0.0.1");
    CHECK(entry.at("kind") == "hashedrekord");
    const auto& spec = entry.at("spec").as_object();
    CHECK(spec.at("data").at("hash").at("algorithm") == "sha256");
    CHECK(spec.at("data").at("hash").at("value") == "ab12");
    CHECK(base64_decode(std::string(spec.at("signature").at("content").as_string())) == std::string("\x30\x02"));
    CHECK(base64_decode(std::string(spec.at("signature").at("publicKey").at("content").as_string())) == "CERT PEM");
}

TEST_CASE("rekor: a dsse entry proposes the envelope and its verifier", "[sigstore]") {
    const auto entry = boost::json::parse(dsse_entry(R"({"payload":"x"})", "CERT PEM")).as_object();
    CHECK(entry.at("kind") == "dsse");
    const auto& proposed = entry.at("spec").at("proposedContent").as_object();
    CHECK(proposed.at("envelope") == as_json(R"({"payload":"x"})"));
    REQUIRE(proposed.at("verifiers").as_array().size() == 1);
    CHECK(base64_decode(std::string(proposed.at("verifiers").as_array()[0].as_string())) == "CERT PEM");
}

TEST_CASE("rekor: the log's answer is the bundle's content", "[sigstore]") {
    const auto entry = read_log_entry_answer(201, k_answer, "https://rekor.example/api/v1/log/entries");
    REQUIRE(entry);
    CHECK(entry->body == "Ym9keQ==");
    CHECK(entry->integrated_time == 1700000000);
    CHECK(entry->log_index == 12);
    CHECK(entry->log_id == "c0d2");
    CHECK(entry->signed_entry_timestamp == "U0VU");
}

TEST_CASE("rekor: a refusal and a malformed answer", "[sigstore]") {
    const auto refused = read_log_entry_answer(400, R"({"code":400,"message":"invalid signature"})", "https://r/e");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "Rekor refused the entry: POST https://r/e answered 400: \"invalid "
                                     "signature\"; for an instance without a transparency log, set transparency-log: false");
    for (const auto* body : {"", "{}", R"({"a":1})", R"({"a":{"body":"x"}})",
                             R"({"a":{"body":"x","integratedTime":"1","logID":"c","logIndex":1,"verification":{}}})"}) {
        const auto malformed = read_log_entry_answer(201, body, "https://r/e");
        REQUIRE_FALSE(malformed);
        CHECK(malformed.error().message == "POST https://r/e answered 201 without a log entry");
    }
}

TEST_CASE("rekor: one POST of the entry to the log's entries endpoint", "[sigstore]") {
    ScriptedHttp http;
    http.answers = {HttpResponse{201, {}, k_answer}};
    REQUIRE(record_entry(http, "http://127.0.0.1:4444", "ENTRY"));
    REQUIRE(http.requests.size() == 1);
    CHECK(http.requests[0].method == "POST");
    CHECK(http.requests[0].url == "http://127.0.0.1:4444/api/v1/log/entries");
    CHECK(http.requests[0].body == "ENTRY");
}

TEST_CASE("rekor: an entry the log has already is read where the log says it is", "[sigstore]") {
    ScriptedHttp http;
    http.answers = {HttpResponse{409, {{"location", "/api/v1/log/entries/24296fb24b8ad77a"}}, R"({"code":409})"},
                    HttpResponse{200, {}, k_answer}};
    const auto entry = record_entry(http, "https://rekor.example", "ENTRY");
    REQUIRE(entry);
    CHECK(entry->log_index == 12);
    REQUIRE(http.requests.size() == 2);
    CHECK(http.requests[1].method == "GET");
    CHECK(http.requests[1].url == "https://rekor.example/api/v1/log/entries/24296fb24b8ad77a");
}
