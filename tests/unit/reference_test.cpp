#include <catch2/catch.hpp>

#include "registry/reference.hpp"

using namespace kaniko;

TEST_CASE("reference: tags", "[reference]") {
    CHECK(is_valid_tag("v1.2.3"));
    CHECK(is_valid_tag("_underscore"));
    CHECK(is_valid_tag(std::string(128, 'a')));
    CHECK_FALSE(is_valid_tag(std::string(129, 'a')));
    CHECK_FALSE(is_valid_tag("-leading"));
    CHECK_FALSE(is_valid_tag(".leading"));
    CHECK_FALSE(is_valid_tag("has space"));
    CHECK_FALSE(is_valid_tag(""));
}

TEST_CASE("reference: repositories and registries", "[reference]") {
    CHECK(is_valid_repository("team/api"));
    CHECK(is_valid_repository("a.b_c__d---e"));
    CHECK_FALSE(is_valid_repository("Team/api"));
    CHECK_FALSE(is_valid_repository("team//api"));
    CHECK_FALSE(is_valid_repository("team/"));
    CHECK(is_valid_registry("ghcr.io"));
    CHECK(is_valid_registry("127.0.0.1:5000"));
    CHECK(is_valid_registry("packages.buildkite.com/acme/images"));
    CHECK(is_valid_registry("[::1]:5000/x"));
    CHECK_FALSE(is_valid_registry("ghcr.io:port"));
    CHECK_FALSE(is_valid_registry("-bad.host"));
    CHECK(registry_host("packages.buildkite.com/acme/images") == "packages.buildkite.com");
    CHECK(registry_host("127.0.0.1:5000") == "127.0.0.1:5000");
}

TEST_CASE("reference: parsing as docker pull does", "[reference]") {
    SECTION("a Docker Hub short name") {
        const auto ref = parse_reference("busybox");
        REQUIRE(ref);
        CHECK(ref->host == "docker.io");
        CHECK(ref->repository == "library/busybox");
        CHECK(ref->tag == "latest");
        CHECK(ref->str() == "docker.io/library/busybox:latest");
    }
    SECTION("host with port, and a tag") {
        const auto ref = parse_reference("127.0.0.1:5000/team/app:v1");
        REQUIRE(ref);
        CHECK(ref->host == "127.0.0.1:5000");
        CHECK(ref->repository == "team/app");
        CHECK(ref->tag == "v1");
    }
    SECTION("a digest") {
        const auto digest = "sha256:" + std::string(64, 'b');
        const auto ref = parse_reference("ghcr.io/acme/app@" + digest);
        REQUIRE(ref);
        CHECK(ref->tag.empty());
        CHECK(ref->digest == digest);
    }
    SECTION("localhost is a host") {
        const auto ref = parse_reference("localhost/app");
        REQUIRE(ref);
        CHECK(ref->host == "localhost");
        CHECK(ref->repository == "app");
    }
    SECTION("errors") {
        CHECK_FALSE(parse_reference("App"));
        CHECK_FALSE(parse_reference("app:bad tag"));
        CHECK_FALSE(parse_reference("app@sha256:short"));
        CHECK(parse_reference("Bad").error().message ==
              "\"Bad\" is not an image reference: the repository must be lowercase path components such as team/app");
    }
}

TEST_CASE("reference: long input is refused without recursion", "[reference][hostile]") {
    const std::string long_name(60000, 'a');
    CHECK_FALSE(is_valid_tag(long_name));
    CHECK_FALSE(is_valid_repository(long_name));
    CHECK_FALSE(is_valid_registry(long_name));
    CHECK_FALSE(is_valid_registry("host/" + long_name));
    CHECK_FALSE(is_valid_digest("sha256:" + long_name));
    const auto ref = parse_reference("ghcr.io/" + long_name);
    REQUIRE_FALSE(ref);
    CHECK(ref.error().message ==
          "\"ghcr.io/" + std::string(56, 'a') + "\"... (60008 characters) is not an image reference: it is 60008 "
          "characters long; a reference has at most 4096");
}

TEST_CASE("reference: the naming rules, edge by edge", "[reference]") {
    CHECK(is_valid_repository("a__b"));
    CHECK_FALSE(is_valid_repository("a___b"));
    CHECK_FALSE(is_valid_repository("a._b"));
    CHECK_FALSE(is_valid_repository("-a"));
    CHECK_FALSE(is_valid_repository("a-"));
    CHECK(is_valid_repository(std::string(255, 'a')));
    CHECK_FALSE(is_valid_repository(std::string(256, 'a')));
    CHECK(is_valid_registry("localhost:1"));
    CHECK(is_valid_registry("localhost:65535"));
    CHECK_FALSE(is_valid_registry("localhost:65536"));
    CHECK_FALSE(is_valid_registry("localhost:0"));
    CHECK_FALSE(is_valid_registry("localhost:"));
    CHECK_FALSE(is_valid_registry("localhost:123456"));
    CHECK_FALSE(is_valid_registry("a..b"));
    CHECK_FALSE(is_valid_registry("a.-b"));
    CHECK_FALSE(is_valid_registry("[]:5000"));
    CHECK_FALSE(is_valid_registry("[::1"));
    CHECK(is_valid_registry("[::1]"));
    CHECK(is_valid_digest("sha512:" + std::string(128, 'f')));
    CHECK_FALSE(is_valid_digest("sha256:" + std::string(64, 'F')));
    CHECK_FALSE(is_valid_digest("sha256:" + std::string(63, 'f')));
}
