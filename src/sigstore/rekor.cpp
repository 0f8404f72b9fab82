#include "sigstore/rekor.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "registry/http.hpp"
#include "sigstore/service.hpp"
#include "util/base64.hpp"

namespace kaniko {

namespace json = boost::json;

std::string hashedrekord_entry(std::string_view payload_sha256, std::string_view signature,
                               std::string_view certificate_pem) {
    const json::object entry{
        {"apiVersion", "0.0.1"},
        {"kind", "hashedrekord"},
        {"spec", json::object{{"data", json::object{{"hash", json::object{{"algorithm", "sha256"},
                                                                           {"value", payload_sha256}}}}},
                              {"signature", json::object{{"content", base64_encode(signature)},
                                                         {"publicKey", json::object{{"content", base64_encode(
                                                                                                    certificate_pem)}}}}}}}};
    return json::serialize(entry);
}

std::string dsse_entry(std::string_view envelope, std::string_view certificate_pem) {
    const json::object entry{
        {"apiVersion", "0.0.1"},
        {"kind", "dsse"},
        {"spec", json::object{{"proposedContent",
                               json::object{{"envelope", envelope},
                                            {"verifiers", json::array{json::string(base64_encode(certificate_pem))}}}}}}};
    return json::serialize(entry);
}

Expected<LogEntry> read_log_entry_answer(long status, std::string_view body, std::string_view url) {
    if (status != 200 && status != 201) {
        return Error::failure(fmt::format("Rekor refused the entry: POST {} answered {}: {}; for an instance "
                                          "without a transparency log, set transparency-log: false",
                                          url, status, service_message(body)));
    }
    const auto malformed = Error::failure(fmt::format("POST {} answered {} without a log entry", url, status));
    boost::system::error_code ec;
    const auto value = json::parse(body, ec);
    if (ec || !value.is_object() || value.as_object().size() != 1) return malformed;
    const auto& fields = value.as_object().begin()->value();
    if (!fields.is_object()) return malformed;
    const auto& object = fields.as_object();
    const auto* entry_body = object.if_contains("body");
    const auto* time = object.if_contains("integratedTime");
    const auto* index = object.if_contains("logIndex");
    const auto* log_id = object.if_contains("logID");
    const auto* verification = object.if_contains("verification");
    const auto* timestamp = verification != nullptr && verification->is_object()
                                ? verification->as_object().if_contains("signedEntryTimestamp")
                                : nullptr;
    if (entry_body == nullptr || !entry_body->is_string() || time == nullptr || !time->is_int64() ||
        index == nullptr || !index->is_int64() || log_id == nullptr || !log_id->is_string() || timestamp == nullptr ||
        !timestamp->is_string()) {
        return malformed;
    }
    return LogEntry{std::string(entry_body->as_string()), time->as_int64(), index->as_int64(),
                    std::string(log_id->as_string()), std::string(timestamp->as_string())};
}

Expected<LogEntry> record_entry(HttpClient& http, std::string_view rekor_url, std::string entry) {
    const auto url = fmt::format("{}/api/v1/log/entries", rekor_url);
    auto response = post_json(http, url, std::move(entry));
    if (!response) return response.error();
    // A retried POST whose first attempt was stored meets the entry it made: Rekor names it.
    if (const auto location = response->header("location"); response->status == 409 && !location.empty()) {
        HttpRequest existing;
        existing.url = location.starts_with('/') ? fmt::format("{}{}", rekor_url, location) : location;
        existing.headers = {"Accept: application/json"};
        response = http.send(existing);
        if (!response) return response.error();
        return read_log_entry_answer(response->status, response->body, existing.url);
    }
    return read_log_entry_answer(response->status, response->body, url);
}

}  // namespace kaniko
