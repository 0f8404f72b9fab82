#include <catch2/catch.hpp>

#include <deque>

#include "fakes.hpp"
#include "registry/client.hpp"
#include "util/sha256.hpp"

using namespace kaniko;
using kaniko::testing::ScriptedHttp;

namespace {

HttpResponse respond(long status, std::multimap<std::string, std::string> headers = {}, std::string body = {}) {
    return HttpResponse{status, std::move(headers), std::move(body)};
}

const std::string k_digest = "sha256:" + std::string(64, 'd');
const BasicCredentials k_login{"buildkite", "jwt"};
const auto k_bearer = R"(Bearer realm="https://auth.example/token",service="registry.example")";

bool has_header(const HttpRequest& request, const std::string& header) {
    return std::find(request.headers.begin(), request.headers.end(), header) != request.headers.end();
}

}  // namespace

TEST_CASE("client: Basic credentials go with the first request", "[client]") {
    ScriptedHttp http;
    http.answers = {respond(200, {{"docker-content-digest", k_digest}})};
    RegistryClient client(http, {"127.0.0.1:5000", false, "/certs/ca.pem"}, k_login);
    const auto digest = client.manifest_digest("team/app", "v1");
    REQUIRE(digest);
    CHECK(*digest == k_digest);
    REQUIRE(http.requests.size() == 1);
    CHECK(http.requests[0].method == "HEAD");
    CHECK(http.requests[0].url == "https://127.0.0.1:5000/v2/team/app/manifests/v1");
    CHECK(http.requests[0].ca_file == "/certs/ca.pem");
    CHECK(http.requests[0].basic->username == "buildkite");
    CHECK(has_header(http.requests[0], std::string(k_manifest_accept)));
}

TEST_CASE("client: the Bearer flow, one token per scope", "[client]") {
    ScriptedHttp http;
    http.answers = {
        respond(401, {{"www-authenticate", k_bearer}}),
        respond(200, {}, R"({"token":"pushtoken"})"),
        respond(200),
        respond(200, {}, R"({"access_token":"pulltoken"})"),
        respond(200, {{"docker-content-digest", k_digest}}),
        respond(200, {{"docker-content-digest", k_digest}}),
    };
    RegistryClient client(http, {"r.example", false, std::nullopt}, k_login);
    const auto access = client.check_access("acme/images/app");
    REQUIRE(access);
    CHECK(access->granted);
    CHECK(http.requests[1].url ==
          "https://auth.example/token?scope=repository%3Aacme%2Fimages%2Fapp%3Apull%2Cpush&service=registry.example");
    CHECK(http.requests[1].basic->password == "jwt");
    CHECK(has_header(http.requests[2], "Authorization: Bearer pushtoken"));
    CHECK_FALSE(http.requests[2].basic);

    // A pull needs another scope, so another token; the second pull reuses it.
    REQUIRE(client.manifest_digest("acme/images/app", "v1"));
    REQUIRE(client.manifest_digest("acme/images/app", "v2"));
    CHECK(http.requests[3].url.find("scope=repository%3Aacme%2Fimages%2Fapp%3Apull&") != std::string::npos);
    CHECK(has_header(http.requests[4], "Authorization: Bearer pulltoken"));
    CHECK(has_header(http.requests[5], "Authorization: Bearer pulltoken"));
    CHECK(http.requests.size() == 6);
}

TEST_CASE("client: refusals are answers, not failures", "[client]") {
    SECTION("the token service refuses the credentials") {
        ScriptedHttp http;
        http.answers = {respond(401, {{"www-authenticate", k_bearer}}), respond(401, {{"content-type", "text/plain"}})};
        RegistryClient client(http, {"r.example", false, std::nullopt}, k_login);
        const auto access = client.check_access("app");
        REQUIRE(access);
        CHECK_FALSE(access->granted);
        CHECK(access->detail == "the token service https://auth.example/token answered 401 for repository:app:pull,push");
    }
    SECTION("a Basic registry refuses them") {
        ScriptedHttp http;
        http.answers = {respond(401, {{"www-authenticate", R"(Basic realm="Registry")"}})};
        RegistryClient client(http, {"127.0.0.1:5000", false, std::nullopt}, k_login);
        const auto access = client.check_access("app");
        REQUIRE(access);
        CHECK_FALSE(access->granted);
        CHECK(access->detail == "GET https://127.0.0.1:5000/v2/ answered 401");
        CHECK(http.requests.size() == 1);
    }
    SECTION("no credentials for a registry that wants them") {
        ScriptedHttp http;
        http.answers = {respond(401, {{"www-authenticate", R"(Basic realm="Registry")"}})};
        RegistryClient client(http, {"127.0.0.1:5000", true, std::nullopt}, std::nullopt);
        const auto access = client.check_access("app");
        REQUIRE(access);
        CHECK_FALSE(access->granted);
        CHECK(access->detail == "GET http://127.0.0.1:5000/v2/ answered 401");
    }
}

TEST_CASE("client: manifests that are missing, and registries that name no digest", "[client]") {
    ScriptedHttp http;
    const std::string manifest = R"({"schemaVersion":2})";
    http.answers = {respond(404), respond(200), respond(200, {}, manifest)};
    RegistryClient client(http, {"r.example", false, std::nullopt}, std::nullopt);
    const auto missing = client.manifest_digest("app", "gone");
    REQUIRE(missing);
    CHECK_FALSE(*missing);
    const auto hashed = client.manifest_digest("app", "v1");
    REQUIRE(hashed);
    CHECK(*hashed == "sha256:bafebd36189ad3688b7b3915ea55d461e0bfcfbdde11e54b0a123999fb6be50f");
    CHECK(http.requests[2].method == "GET");
}

TEST_CASE("client: an unexpected status names the URL", "[client]") {
    ScriptedHttp http;
    http.answers = {respond(502)};
    RegistryClient client(http, {"r.example", false, std::nullopt}, std::nullopt);
    const auto access = client.check_access("app");
    REQUIRE_FALSE(access);
    CHECK(access.error().message ==
          "GET https://r.example/v2/ answered 502; expected 200 from a registry's /v2/ endpoint");
}

TEST_CASE("retries: connection errors and 5xx, with doubling backoff, never 4xx", "[client]") {
    ScriptedHttp http;
    std::vector<long> slept;
    RetryingHttpClient retrying(http, {4, std::chrono::milliseconds(100)},
                                [&](std::chrono::milliseconds ms) { slept.push_back(ms.count()); });
    SECTION("500 then 200") {
        http.answers = {respond(500), Error::failure("connection refused"), respond(200)};
        const auto response = retrying.send({});
        REQUIRE(response);
        CHECK(response->status == 200);
        CHECK(slept == std::vector<long>{100, 200});
    }
    SECTION("4xx is final") {
        http.answers = {respond(404)};
        CHECK(retrying.send({})->status == 404);
        CHECK(slept.empty());
    }
    SECTION("gives up after the last attempt") {
        http.answers = {Error::failure("down"), Error::failure("down"), Error::failure("down"), Error::failure("down")};
        const auto response = retrying.send({});
        REQUIRE_FALSE(response);
        CHECK(response.error().message == "down");
        CHECK(slept == std::vector<long>{100, 200, 400});
    }
}

TEST_CASE("client: a blob the repository has is not sent again", "[client]") {
    ScriptedHttp http;
    http.answers = {respond(200)};
    RegistryClient client(http, {"r.example", false, {}}, k_login);
    REQUIRE(client.upload_blob("team/app", "payload"));
    REQUIRE(http.requests.size() == 1);
    CHECK(http.requests[0].method == "HEAD");
    CHECK(http.requests[0].url == "https://r.example/v2/team/app/blobs/sha256:" + sha256_hex("payload"));
}

TEST_CASE("client: a new blob goes up in one PUT to the upload session", "[client]") {
    ScriptedHttp http;
    http.answers = {respond(404), respond(202, {{"location", "/v2/team/app/blobs/uploads/abc?_state=x"}}), respond(201)};
    RegistryClient client(http, {"r.example", false, {}}, k_login);
    REQUIRE(client.upload_blob("team/app", "payload"));
    REQUIRE(http.requests.size() == 3);
    CHECK(http.requests[1].method == "POST");
    CHECK(http.requests[1].url == "https://r.example/v2/team/app/blobs/uploads/");
    CHECK(http.requests[2].method == "PUT");
    CHECK(http.requests[2].url ==
          "https://r.example/v2/team/app/blobs/uploads/abc?_state=x&digest=sha256%3A" + sha256_hex("payload"));
    CHECK(http.requests[2].body == "payload");
    CHECK(has_header(http.requests[2], "Content-Type: application/octet-stream"));
}

TEST_CASE("client: a refused or failed upload says where", "[client]") {
    ScriptedHttp refused;
    refused.answers = {respond(404), respond(403)};
    RegistryClient client(refused, {"r.example", false, {}}, k_login);
    const auto denied = client.upload_blob("team/app", "payload");
    REQUIRE_FALSE(denied);
    CHECK(denied.error().message.find("POST https://r.example/v2/team/app/blobs/uploads/") != std::string::npos);
    CHECK(denied.error().message.ends_with("the credentials may not push to this repository"));
    ScriptedHttp failing;
    failing.answers = {respond(404), respond(202, {{"location", "https://r.example/up/1"}}), respond(400)};
    RegistryClient other(failing, {"r.example", false, {}}, k_login);
    const auto failed = other.upload_blob("team/app", "payload");
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message.find("answered 400") != std::string::npos);
}

TEST_CASE("client: where a host's registry API is reached", "[client]") {
    const std::map<std::string, std::string> certificates{{"r.local:5000", "/etc/r.pem"}};
    const std::vector<std::string> insecure{"127.0.0.1:5000"};
    const auto hub = endpoint_for("docker.io", certificates, insecure);
    CHECK(hub.host == "registry-1.docker.io");
    CHECK_FALSE(hub.plain_http);
    const auto own = endpoint_for("r.local:5000", certificates, insecure);
    CHECK(own.host == "r.local:5000");
    CHECK(own.ca_file == "/etc/r.pem");
    CHECK(endpoint_for("127.0.0.1:5000", certificates, insecure).plain_http);
}
