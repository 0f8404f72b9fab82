#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "config/source.hpp"

using namespace kaniko;

namespace {
Config config_from(std::map<std::string, std::string, std::less<>> vars) {
    const auto json = plugin_configuration_json(Environment(std::move(vars)));
    REQUIRE(json);
    auto config = parse_config(*json);
    if (!config) FAIL(config.error().message);
    return *config;
}
}  // namespace

TEST_CASE("source: plugin keys are named as the agent names them", "[source]") {
    CHECK(plugin_name_of_key("kaniko#v0.1.0") == "kaniko");
    // As the README names it, and as the agent expands that in BUILDKITE_PLUGINS.
    CHECK(plugin_name_of_key("kaniko-buildkite-plugin/kaniko#v0.2.0") == "kaniko");
    CHECK(plugin_name_of_key("github.com/kaniko-buildkite-plugin/kaniko-buildkite-plugin#v0.2.0") == "kaniko");
    CHECK(plugin_name_of_key("acme/kaniko#v1") == "kaniko");
    CHECK(plugin_name_of_key("https://github.com/acme/Kaniko-Buildkite-Plugin.git#main") == "kaniko");
    CHECK(plugin_name_of_key("./.buildkite/plugins/kaniko") == "kaniko");
    CHECK(plugin_name_of_key("file:///src/my-kaniko-buildkite-plugin#0123abc") == "my-kaniko");
    CHECK(plugin_name_of_key("docker#v5.0.0") == "docker");
    CHECK(plugin_name_of_key("acme/kaniko-helper#v1") == "kaniko-helper");
    CHECK(plugin_env_name("my-kaniko") == "MY_KANIKO");
    CHECK(plugin_env_name("kaniko.v2") == "KANIKO_V2");
}

TEST_CASE("source: a fork is found by the name the agent gave it", "[source]") {
    const auto from_plugins = config_from({
        {"BUILDKITE_PLUGIN_NAME", "MY_KANIKO"},
        {"BUILDKITE_PLUGINS",
         R"([{"kaniko#v1":{"image":"upstream"}},{"file:///src/my-kaniko-buildkite-plugin#0123abc":{"image":"fork"}}])"},
    });
    CHECK(from_plugins.image == "fork");
    const auto flattened = config_from({
        {"BUILDKITE_PLUGIN_NAME", "MY_KANIKO"},
        {"BUILDKITE_PLUGIN_MY_KANIKO_IMAGE", "fork"},
        {"BUILDKITE_PLUGIN_KANIKO_IMAGE", "someone-else"},
    });
    CHECK(flattened.image == "fork");
}

TEST_CASE("source: BUILDKITE_PLUGIN_CONFIGURATION comes first and keeps types", "[source]") {
    const auto config = config_from({
        {"BUILDKITE_PLUGIN_CONFIGURATION", R"({"image":"first","push":false})"},
        {"BUILDKITE_PLUGINS", R"([{"kaniko#v1":{"image":"second"}}])"},
        {"BUILDKITE_PLUGIN_KANIKO_IMAGE", "third"},
    });
    CHECK(config.image == "first");
    CHECK_FALSE(config.push);
}

TEST_CASE("source: this plugin's entry in BUILDKITE_PLUGINS", "[source]") {
    const auto config = config_from({
        {"BUILDKITE_PLUGINS",
         R"([{"docker#v5":{"image":"node"}},{"github.com/acme/kaniko-buildkite-plugin#v0.1.0":{"image":"mine","oidc-lifetime":60}}])"},
    });
    CHECK(config.image == "mine");
    CHECK(config.oidc_lifetime == 60);
}

TEST_CASE("source: flattened variables when no JSON is given", "[source]") {
    const auto config = config_from({
        {"BUILDKITE_PLUGIN_KANIKO_IMAGE", "flat"},
        {"BUILDKITE_PLUGIN_KANIKO_REGISTRY", "ghcr.io/acme"},
        {"BUILDKITE_PLUGIN_KANIKO_TAGS_0", "a"},
        {"BUILDKITE_PLUGIN_KANIKO_TAGS_1", "b"},
        {"BUILDKITE_PLUGIN_KANIKO_BUILD_ARGS_0", "X=1"},
        {"BUILDKITE_PLUGIN_KANIKO_CACHE", "false"},
        {"BUILDKITE_PLUGIN_KANIKO_OIDC_LIFETIME", "120"},
    });
    CHECK(config.image == "flat");
    CHECK(config.tags == std::vector<std::string>{"a", "b"});
    CHECK(config.build_args == std::vector<std::string>{"X=1"});
    CHECK_FALSE(config.cache);
    CHECK(config.oidc_lifetime == 120);
}

TEST_CASE("source: an unknown flattened variable is reported as an attribute", "[source]") {
    const auto json = plugin_configuration_json(Environment(std::map<std::string, std::string, std::less<>>{
        {"BUILDKITE_PLUGIN_KANIKO_IMAGE", "app"}, {"BUILDKITE_PLUGIN_KANIKO_BUILD_ARG_0", "X=1"}}));
    REQUIRE(json);
    const auto config = parse_config(*json);
    REQUIRE_FALSE(config);
    CHECK(config.error().message == "\"build-arg\": is not an attribute of the kaniko plugin; did you mean build-args?");
}

TEST_CASE("source: malformed BUILDKITE_PLUGINS", "[source]") {
    const auto json = plugin_configuration_json(
        Environment(std::map<std::string, std::string, std::less<>>{{"BUILDKITE_PLUGINS", "{nope"}}));
    REQUIRE_FALSE(json);
    CHECK(json.error().message.starts_with("BUILDKITE_PLUGINS is not a JSON array of plugins"));
}
