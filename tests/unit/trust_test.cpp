#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "registry/trust.hpp"

using namespace kaniko;

namespace {
// A disk that holds exactly these files.
auto disk_with(std::set<std::string> files) {
    return [files = std::move(files)](const std::string& path) { return files.count(path) > 0; };
}

Environment environment(std::map<std::string, std::string, std::less<>> variables) {
    return Environment(std::move(variables));
}
}  // namespace

TEST_CASE("trust: the bundle where the host keeps it", "[trust]") {
    const Environment env;
    CHECK(find_trust_store(env, disk_with({"/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"})).file ==
          "/etc/ssl/certs/ca-certificates.crt");
    CHECK(find_trust_store(env, disk_with({"/etc/pki/tls/certs/ca-bundle.crt"})).file ==
          "/etc/pki/tls/certs/ca-bundle.crt");
    CHECK(find_trust_store(env, disk_with({"/etc/ssl/cert.pem"})).file == "/etc/ssl/cert.pem");
    CHECK(find_trust_store(env, disk_with({"/kaniko/ssl/certs/ca-certificates.crt"})).file ==
          "/kaniko/ssl/certs/ca-certificates.crt");
    const auto nothing = find_trust_store(env, disk_with({}));
    CHECK_FALSE(nothing.file);
    CHECK_FALSE(nothing.directory);
    CHECK(describe(nothing) == "TLS trusts libcurl's default CA store (no CA bundle was found)");
}

TEST_CASE("trust: SSL_CERT_FILE and SSL_CERT_DIR win, as OpenSSL has it", "[trust]") {
    const auto disk = disk_with({"/etc/ssl/certs/ca-certificates.crt"});
    const auto both = find_trust_store(environment({{"SSL_CERT_FILE", "/corp/ca.pem"}, {"SSL_CERT_DIR", "/corp/certs"}}), disk);
    CHECK(both.file == "/corp/ca.pem");
    CHECK(both.directory == "/corp/certs");
    CHECK(describe(both) == "TLS trusts the CA bundle /corp/ca.pem and the CA directory /corp/certs");
    // The Kaniko image sets only SSL_CERT_DIR: the bundle search still runs.
    const auto directory_only = find_trust_store(environment({{"SSL_CERT_DIR", "/kaniko/ssl/certs"}}), disk);
    CHECK(directory_only.file == "/etc/ssl/certs/ca-certificates.crt");
    CHECK(directory_only.directory == "/kaniko/ssl/certs");
}
