#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "config/config.hpp"

using namespace kaniko;

namespace {
std::string error_of(std::string_view json) {
    const auto result = parse_config(json);
    REQUIRE_FALSE(result);
    CHECK(result.error().exit_code == k_exit_invalid_config);
    return result.error().message;
}
}  // namespace

TEST_CASE("config: defaults follow the recipe", "[config]") {
    const auto config = parse_config(R"({"image":"hello-kaniko","package-registry":"my-container-registry"})");
    REQUIRE(config);
    CHECK(config->image == "hello-kaniko");
    CHECK(config->package_registry == "my-container-registry");
    CHECK_FALSE(config->registry);
    CHECK(config->tags.empty());
    CHECK(config->context == ".");
    CHECK(config->dockerfile == "Dockerfile");
    CHECK(config->cache);
    CHECK(config->push);
    CHECK(config->annotate);
    CHECK_FALSE(config->debug);
    CHECK_FALSE(config->auth);
    CHECK(config->oidc_lifetime == 300);
}

TEST_CASE("config: every attribute is read", "[config]") {
    const auto config = parse_config(R"({
        "image": "team/api", "registry": "ghcr.io/acme", "organization": "acme",
        "tags": ["v1", "latest"], "context": "services/api", "dockerfile": "docker/Dockerfile.prod",
        "build-args": ["VERSION=1.2", "NPM_TOKEN"], "target": "runtime", "labels": ["team=api"],
        "platform": "linux/arm64", "network": "host", "cache": true, "cache-repo": "ghcr.io/acme/cache",
        "cache-ttl": "168h", "push": false, "auth": "oidc", "oidc-audience": "https://ghcr.io",
        "oidc-lifetime": 600, "kaniko-image": "example.com/kaniko:v2", "debug": true, "verbosity": "debug",
        "extra-args": ["--snapshot-mode=redo"], "annotate": false, "helper": "/opt/helper",
        "helper-url": "https://mirror.example.com/kaniko/v0.2.0"
    })");
    REQUIRE(config);
    CHECK(config->image == "team/api");
    CHECK(config->registry == "ghcr.io/acme");
    CHECK(config->organization == "acme");
    CHECK(config->tags == std::vector<std::string>{"v1", "latest"});
    CHECK(config->context == "services/api");
    CHECK(config->dockerfile == "services/api/docker/Dockerfile.prod");
    CHECK(config->build_args == std::vector<std::string>{"VERSION=1.2", "NPM_TOKEN"});
    CHECK(config->target == "runtime");
    CHECK(config->labels == std::vector<std::string>{"team=api"});
    CHECK(config->platform == Platform{"linux", "arm64", ""});
    CHECK(config->network == "host");
    CHECK(config->cache_repo == "ghcr.io/acme/cache");
    CHECK(config->cache_ttl == "168h");
    CHECK_FALSE(config->push);
    CHECK(config->auth == Auth::oidc);
    CHECK(config->oidc_audience == "https://ghcr.io");
    CHECK(config->oidc_lifetime == 600);
    CHECK(config->kaniko_image == "example.com/kaniko:v2");
    CHECK(config->debug);
    CHECK(config->verbosity == "debug");
    CHECK(config->extra_args == std::vector<std::string>{"--snapshot-mode=redo"});
    CHECK_FALSE(config->annotate);
    CHECK(config->helper == "/opt/helper");
    CHECK(config->helper_url == "https://mirror.example.com/kaniko/v0.2.0");
}

TEST_CASE("config: platforms and index are lists of platforms", "[config]") {
    const auto built = parse_config(R"({"image":"app","platforms":["linux/amd64","linux/arm/v7"]})");
    REQUIRE(built);
    CHECK(built->platforms == std::vector<Platform>{{"linux", "amd64", ""}, {"linux", "arm", "v7"}});
    CHECK(built->index.empty());
    const auto index = parse_config(R"({"image":"app","index":["linux/arm64","linux/amd64"]})");
    REQUIRE(index);
    CHECK(index->index == std::vector<Platform>{{"linux", "arm64", ""}, {"linux", "amd64", ""}});
    CHECK_FALSE(index->platform);
}

TEST_CASE("config: a single tag may be a string", "[config]") {
    const auto config = parse_config(R"({"image":"app","tags":"latest"})");
    REQUIRE(config);
    CHECK(config->tags == std::vector<std::string>{"latest"});
}

TEST_CASE("config: errors name the attribute, the value and what is allowed", "[config]") {
    SECTION("image is required") {
        CHECK(error_of(R"({"registry":"ghcr.io"})") ==
              "image: is required; name the repository to push, e.g. `image: hello-kaniko` or `image: team/api`");
        CHECK(error_of("null").starts_with("image: is required"));
    }
    SECTION("image must be a repository name") {
        CHECK(error_of(R"({"image":"Hello"})") ==
              "image: \"Hello\" is not a valid repository name; use lowercase letters, digits and . _ - separators, "
              "with / between components (e.g. team/api)");
    }
    SECTION("unknown attributes, with a suggestion for near misses") {
        CHECK(error_of(R"({"image":"app","build_args":["A=1"]})") ==
              "\"build_args\": is not an attribute of the kaniko plugin; did you mean build-args?");
        CHECK(error_of(R"({"image":"app","colour":"blue"})").starts_with(
            "\"colour\": is not an attribute of the kaniko plugin; allowed: image, registry,"));
    }
    SECTION("tags") {
        CHECK(error_of(R"({"image":"app","tags":["ok","Bad Tag!"]})") ==
              "tags[1]: \"Bad Tag!\" is not a valid tag; use up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -");
        CHECK(error_of(R"({"image":"app","tags":".hidden"})").starts_with("tags: \".hidden\" is not a valid tag"));
        CHECK(error_of(R"({"image":"app","tags":[]})") == "tags: is an empty array; remove it or add items");
        CHECK(error_of(R"({"image":"app","tags":[1]})") == "tags[0]: 1 is a number; expected a string");
    }
    SECTION("types") {
        CHECK(error_of(R"({"image":"app","cache":"yes"})") == "cache: \"yes\" is a string; expected true or false");
        CHECK(error_of(R"({"image":"app","build-args":"A=1"})") ==
              "build-args: \"A=1\" is a string; expected an array of strings");
        CHECK(error_of(R"({"image":"app","oidc-lifetime":"soon"})") ==
              "oidc-lifetime: \"soon\" is a string; expected a whole number");
        CHECK(error_of(R"({"image":["app"]})") == "image: [\"app\"] is an array; expected a string");
        CHECK(error_of(R"({"image":"app","target":""})") ==
              "target: \"\" is empty; remove the attribute or give a value");
    }
    SECTION("registry") {
        CHECK(error_of(R"({"image":"app","registry":"https://ghcr.io/acme"})") ==
              "registry: \"https://ghcr.io/acme\" must not include a scheme; write the host and optional path, e.g. "
              "ghcr.io/acme");
        CHECK(error_of(R"({"image":"app","registry":"ghcr io"})") ==
              "registry: \"ghcr io\" is not a registry; write host[:port][/path] with a port from 1 to 65535, e.g. ghcr.io/acme");
        CHECK(error_of(R"({"image":"app","registry":"ghcr.io","package-registry":"images"})").starts_with(
            "registry: \"ghcr.io\" and package-registry: \"images\" are both set; keep one"));
        CHECK(error_of(R"({"image":"app","package-registry":"my/registry"})").starts_with(
            "package-registry: \"my/registry\" is not a valid slug"));
    }
    SECTION("paths stay inside the checkout") {
        CHECK(error_of(R"({"image":"app","context":"../elsewhere"})") ==
              "context: \"../elsewhere\" leaves the checkout; use a relative path that stays inside it");
        CHECK(error_of(R"({"image":"app","context":"/etc"})").starts_with("context: \"/etc\" leaves the checkout"));
        CHECK(error_of(R"({"image":"app","context":"sub","dockerfile":"../../Dockerfile"})") ==
              "dockerfile: \"sub/../../Dockerfile\" leaves the checkout; use a relative path that stays inside it");
        CHECK(error_of(R"({"image":"app","dockerfile":"/Dockerfile"})") ==
              "dockerfile: \"/Dockerfile\" is absolute; give a path relative to the context");
    }
    SECTION("build arguments, labels, target, platform, network") {
        CHECK(error_of(R"({"image":"app","build-args":["1BAD=x"]})") ==
              "build-args[0]: \"1BAD=x\" is not a build argument; use KEY=VALUE, or KEY to pass the job's environment "
              "variable");
        CHECK(error_of(R"({"image":"app","labels":["novalue"]})") ==
              "labels[0]: \"novalue\" is not a label; use KEY=VALUE, e.g. org.opencontainers.image.source=...");
        CHECK(error_of(R"({"image":"app","target":"-x"})").starts_with("target: \"-x\" is not a stage name"));
        CHECK(error_of(R"({"image":"app","platform":"arm64"})") ==
              "platform: \"arm64\" is not a platform; use os/arch[/variant], e.g. linux/amd64, linux/arm64 or "
              "linux/arm/v7");
        CHECK(error_of(R"({"image":"app","network":"my net"})").starts_with("network: \"my net\" is not a Docker network"));
    }
    SECTION("platforms and index") {
        CHECK(error_of(R"({"image":"app","index":["linux/amd64","linux/aarch64"]})").starts_with(
            "index[1]: \"linux/aarch64\" names no known architecture; use one of amd64, arm64"));
        CHECK(error_of(R"({"image":"app","platforms":["linux/arm/v7","linux/arm/v7"]})") ==
              "platforms[1]: \"linux/arm/v7\" is given twice (also platforms[0])");
        CHECK(error_of(R"({"image":"app","index":[]})") == "index: is an empty array; remove it or add items");
        CHECK(error_of(R"({"image":"app","index":"linux/amd64"})").starts_with("index: "));
        CHECK(error_of(R"({"image":"app","platform":"linux/amd64","index":["linux/arm64"]})").starts_with(
            "platform and index are both set; keep one: platform builds one platform, platforms builds several here"));
        CHECK(error_of(R"({"image":"app","platforms":["linux/amd64"],"index":["linux/arm64"]})").starts_with(
            "platforms and index are both set"));
    }
    SECTION("cache") {
        CHECK(error_of(R"({"image":"app","cache-ttl":"a week"})") ==
              "cache-ttl: \"a week\" is not a duration; use a Go duration such as 168h or 30m");
        CHECK(error_of(R"({"image":"app","cache-repo":"ghcr.io/acme/cache:v1"})").starts_with(
            "cache-repo: \"ghcr.io/acme/cache:v1\" is not a repository"));
        CHECK(error_of(R"({"image":"app","cache":false,"cache-repo":"ghcr.io/acme/cache"})") ==
              "cache: false, yet cache-repo is set; remove it or turn the cache on");
    }
    SECTION("auth and OIDC") {
        CHECK(error_of(R"({"image":"app","auth":"password"})") ==
              "auth: \"password\" is not an auth mode; use oidc, docker-config or none");
        CHECK(error_of(R"({"image":"app","oidc-lifetime":0})") ==
              "oidc-lifetime: \"0\" is out of range; use seconds from 1 to 86400");
        CHECK(error_of(R"({"image":"app","auth":"none","oidc-lifetime":60})") ==
              "auth: \"none\" does not request an OIDC token, yet oidc-lifetime is set; remove it or use auth: oidc");
        CHECK(error_of(R"({"image":"app","oidc-audience":"a b"})").starts_with("oidc-audience: \"a b\" contains white space"));
    }
    SECTION("executor") {
        CHECK(error_of(R"({"image":"app","kaniko-image":"Not An Image"})") ==
              "kaniko-image: \"Not An Image\" is not an image reference; e.g. ghcr.io/osscontainertools/kaniko:v1.28.3");
        CHECK(error_of(R"({"image":"app","verbosity":"loud"})") ==
              "verbosity: \"loud\" is not a Kaniko log level; use panic, fatal, error, warn, info, debug or trace");
        CHECK(error_of(R"({"image":"app","helper-url":"ftp://mirror/kaniko"})") ==
              "helper-url: \"ftp://mirror/kaniko\" is not an http(s) URL; give the folder that holds the release tarballs");
    }
    SECTION("malformed JSON") {
        CHECK(error_of("{").starts_with("the plugin configuration is not valid JSON"));
        CHECK(error_of("[1]") ==
              "the plugin configuration is an array; expected attributes such as `image: hello-kaniko`");
    }
}

TEST_CASE("config: an error with a newline in the value stays on one line", "[config]") {
    const auto message = error_of(R"({"image":"app\nrm -rf /"})");
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.starts_with(R"(image: "app\nrm -rf /" is not)"));
}

TEST_CASE("config: checkout paths are normalized", "[config]") {
    CHECK(normalize_checkout_path(".") == ".");
    CHECK(normalize_checkout_path("./a//b/./c/..") == "a/b");
    CHECK(normalize_checkout_path("a/../..") == std::nullopt);
    CHECK(normalize_checkout_path("/abs") == std::nullopt);
    CHECK(normalize_checkout_path("") == std::nullopt);
}

TEST_CASE("config: the attribute list has no duplicates and includes image", "[config]") {
    std::vector<std::string_view> names;
    for (const auto& spec : attribute_specs()) names.push_back(spec.name);
    std::sort(names.begin(), names.end());
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
    CHECK(std::binary_search(names.begin(), names.end(), "image"));
}

TEST_CASE("config: registry trust and checks", "[config]") {
    const auto config = parse_config(R"({"image":"app","registry":"127.0.0.1:5000",
        "registry-certificates":{"127.0.0.1:5000":"/etc/ssl/registry.pem"},"insecure-registries":["10.0.0.1:80"],
        "preflight":false,"skip-if-exists":true,"verify":false})");
    REQUIRE(config);
    CHECK(config->registry_certificates == std::map<std::string, std::string>{{"127.0.0.1:5000", "/etc/ssl/registry.pem"}});
    CHECK(config->insecure_registries == std::vector<std::string>{"10.0.0.1:80"});
    CHECK_FALSE(config->preflight);
    CHECK(config->skip_if_exists);
    CHECK_FALSE(config->verify);

    const auto defaults = parse_config(R"({"image":"app"})");
    REQUIRE(defaults);
    CHECK(defaults->preflight);
    CHECK_FALSE(defaults->skip_if_exists);
    CHECK(defaults->verify);

    CHECK(error_of(R"({"image":"app","registry-certificates":{"r.example/path":"/ca.pem"}})") ==
          "registry-certificates: \"r.example/path\" is not a registry host; use host[:port] as keys, e.g. "
          "registry.local:5000");
    CHECK(error_of(R"({"image":"app","registry-certificates":{"r.example":"ca.pem"}})") ==
          "registry-certificates.r.example: \"ca.pem\" is not an absolute path; give the CA certificate file's path on "
          "the agent");
    CHECK(error_of(R"({"image":"app","registry-certificates":["/ca.pem"]})") ==
          "registry-certificates: [\"/ca.pem\"] is an array; expected an object of host[:port]: CA certificate file");
    CHECK(error_of(R"({"image":"app","insecure-registries":["http://r"]})") ==
          "insecure-registries[0]: \"http://r\" is not a registry host; use host[:port], e.g. 127.0.0.1:5000");
}

TEST_CASE("config: long values are refused by length, naming the attribute, never crash", "[config][hostile]") {
    // 60 KB used to overflow the stack inside std::regex.
    const std::string long_value(60000, 'a');
    const auto with = [&](std::string_view attribute, std::string_view value_json) {
        return error_of(fmt::format(R"({{"image":"app",{}:{}}})", attribute, value_json));
    };
    const auto quoted = "\"" + long_value + "\"";
    const auto listed = "[" + quoted + "]";
    CHECK(with(R"("target")", quoted) ==
          "target: \"" + long_value.substr(0, 64) + "\"... (60000 characters) is too long; use at most 128 characters");
    CHECK(with(R"("build-args")", listed).starts_with("build-args[0]: \"aaaa"));
    CHECK(with(R"("build-args")", listed).ends_with("... (60000 characters) is too long; use at most 32768 characters"));
    for (const auto* attribute : {"registry", "oidc-audience", "network", "platform", "kaniko-image", "cache-ttl"}) {
        const auto message = with(fmt::format("\"{}\"", attribute), quoted);
        CHECK(message.starts_with(fmt::format("{}: \"aaaa", attribute)));
        CHECK(message.find("(60000 characters) is too long") != std::string::npos);
        CHECK(message.size() < 200);
    }
    for (const auto* attribute : {"labels", "insecure-registries", "extra-args", "tags"}) {
        const auto message = with(fmt::format("\"{}\"", attribute), listed);
        CHECK(message.starts_with(fmt::format("{}[0]: \"aaaa", attribute)));
        CHECK(message.size() < 200);
    }
    CHECK(with(R"("registry-certificates")", "{" + quoted + ":\"/ca.pem\"}").starts_with("registry-certificates: \"aaaa"));
    CHECK(error_of("{\"image\":" + quoted + "}").ends_with("is too long; use at most 255 characters"));
    // Long but within the limit, and made of the characters a matcher loops over: accepted.
    const auto config = parse_config(
        fmt::format(R"({{"image":"app","build-args":["A={}"],"labels":["k={}"]}})", std::string(30000, 'x'),
                    std::string(30000, ' ')));
    CHECK(config);
}

TEST_CASE("config: hostile shapes get a one-line error", "[config][hostile]") {
    SECTION("ports are 1 to 65535") {
        CHECK(error_of(R"({"image":"app","registry":"127.0.0.1:99999"})").starts_with(R"(registry: "127.0.0.1:99999" is not a registry)"));
        CHECK(error_of(R"({"image":"app","registry":"127.0.0.1:0"})").starts_with(R"(registry: "127.0.0.1:0" is not)"));
        CHECK(parse_config(R"({"image":"app","registry":"127.0.0.1:65535"})"));
    }
    SECTION("an empty item is refused, not passed on as an empty argument") {
        CHECK(error_of(R"({"image":"app","extra-args":[""]})") ==
              "extra-args[0]: \"\" is empty; remove the item or give a value");
        CHECK(error_of(R"({"image":"app","registry-certificates":{"":"/ca.pem"}})") ==
              "registry-certificates: \"\" is empty; remove the key or give a value");
    }
    SECTION("bytes that are not UTF-8 are named with their offset") {
        CHECK(error_of("{\"image\":\"app\xff\"}") ==
              "the plugin configuration is not valid UTF-8: byte 0xff at offset 13; write attribute values as UTF-8 "
              "text");
        CHECK(error_of("{\"image\":\"\xc0\xaf\"}").starts_with("the plugin configuration is not valid UTF-8: byte 0xc0"));
        CHECK(parse_config("{\"image\":\"app\",\"labels\":[\"owner=J\xc3\xbcrgen\"]}"));
    }
    SECTION("a syntax error is named with its offset") {
        CHECK(error_of(R"({"image":"app",})") == "the plugin configuration is not valid JSON: syntax error at offset 15");
    }
    SECTION("a key given twice is refused, naming it, at any depth") {
        CHECK(error_of(R"({"image":"app","tags":["a"],"tags":["b"]})") ==
              "\"tags\": is given twice in the plugin configuration; keep one");
        CHECK(error_of(R"({"image":"app","registry-certificates":{"r:1":"/a","r:\u0031":"/b"}})") ==
              "\"r:1\": is given twice in the plugin configuration; keep one");
        CHECK(parse_config(R"({"image":"app","labels":["image=x"],"build-args":["tags"]})"));
    }
    SECTION("a type error shows a long value shortened") {
        const auto message = error_of(fmt::format(R"({{"image":"app","target":["{}"]}})", std::string(5000, 'x')));
        CHECK(message == "target: [\"" + std::string(62, 'x') + "... (5004 characters) is an array; expected a string");
    }
}

TEST_CASE("config: executor and executor-path", "[config]") {
    const auto defaults = parse_config(R"({"image":"app"})");
    REQUIRE(defaults);
    CHECK(defaults->executor == ExecutorMode::automatic);
    CHECK(defaults->executor_path == "/kaniko/executor");
    const auto local = parse_config(R"({"image":"app","executor":"local","executor-path":"/busybox/executor"})");
    REQUIRE(local);
    CHECK(local->executor == ExecutorMode::local);
    CHECK(local->executor_path == "/busybox/executor");
    CHECK(parse_config(R"({"image":"app","executor":"podman"})").error().message ==
          "executor: \"podman\" is not an executor; use auto, docker or local");
    CHECK(parse_config(R"({"image":"app","executor-path":"kaniko/executor"})").error().message ==
          "executor-path: \"kaniko/executor\" is not an absolute path; give the executor binary's path, e.g. "
          "/kaniko/executor");
}

TEST_CASE("config: secrets", "[config]") {
    const auto config = parse_config(R"({"image":"app","secrets":["NPM_TOKEN",{"id":"pip","env":"PIP_TOKEN"},
        {"id":"netrc","file":"/etc/buildkite/netrc"}]})");
    REQUIRE(config);
    using Source = BuildSecret::Source;
    CHECK(config->secrets == std::vector<BuildSecret>{{"NPM_TOKEN", Source::env, "NPM_TOKEN"},
                                                      {"pip", Source::env, "PIP_TOKEN"},
                                                      {"netrc", Source::file, "/etc/buildkite/netrc"}});
    const auto error_of = [](std::string_view json) { return parse_config(json).error().message; };
    CHECK(error_of(R"({"image":"app","secrets":["npm-token"]})") ==
          "secrets[0]: \"npm-token\" is not an environment variable's name; for other IDs write "
          "{id: ID, env: VARIABLE}");
    CHECK(error_of(R"({"image":"app","secrets":[{"id":"a b","env":"X"}]})") ==
          "secrets[0].id: \"a b\" is not a secret ID; use letters, digits and _ . -, as in RUN "
          "--mount=type=secret,id=ID");
    CHECK(error_of(R"({"image":"app","secrets":[{"id":"x","env":"X","file":"/f"}]})") ==
          "secrets[0]: give id and one of env or file, e.g. {id: npm, env: NPM_TOKEN}");
    CHECK(error_of(R"({"image":"app","secrets":[{"id":"x","value":"hunter2"}]})") ==
          "secrets[0]: \"value\" is not a key of a secret; use id with env or file");
    CHECK(error_of(R"({"image":"app","secrets":[{"id":"x","file":"netrc"}]})") ==
          "secrets[0].file: \"netrc\" is not an absolute path; give the file's path on the agent, outside the checkout");
    CHECK(error_of(R"({"image":"app","secrets":["A",{"id":"A","env":"B"}]})") ==
          "secrets[1]: \"A\" is given twice (also secrets[0])");
    CHECK(error_of(R"({"image":"app","secrets":[]})") == "secrets: is an empty array; remove it or add items");
    CHECK(error_of(R"({"image":"app","secrets":"NPM_TOKEN"})").starts_with("secrets: "));
}

TEST_CASE("config: cache-push", "[config]") {
    CHECK(parse_config(R"({"image":"app","cache-push":true})")->cache_push == true);
    CHECK_FALSE(parse_config(R"({"image":"app"})")->cache_push);
    CHECK(parse_config(R"({"image":"app","cache":false,"cache-push":true})").error().message ==
          "cache: false, yet cache-push is set; remove it or turn the cache on");
}

TEST_CASE("config: signing is off unless asked for, and public Sigstore is the default", "[config][sigstore]") {
    const auto plain = parse_config(R"({"image":"app"})");
    REQUIRE(plain);
    CHECK_FALSE(plain->sign);
    CHECK_FALSE(plain->provenance);
    CHECK(plain->fulcio_url == "https://fulcio.sigstore.dev");
    CHECK(plain->rekor_url == "https://rekor.sigstore.dev");
    CHECK(plain->transparency_log);
    const auto signing = parse_config(R"({"image":"app","sign":true,"provenance":true,
        "fulcio-url":"https://fulcio.internal/","rekor-url":"http://127.0.0.1:3000"})");
    REQUIRE(signing);
    CHECK(signing->sign);
    CHECK(signing->provenance);
    CHECK(signing->fulcio_url == "https://fulcio.internal");
    CHECK(signing->rekor_url == "http://127.0.0.1:3000");
}

TEST_CASE("config: Sigstore URLs are https, or plain http to the loopback", "[config][sigstore]") {
    CHECK(error_of(R"({"image":"app","sign":true,"fulcio-url":"http://fulcio.internal"})") ==
          "fulcio-url: \"http://fulcio.internal\" is not an https URL (plain http only to the agent's loopback); e.g. "
          "https://fulcio.sigstore.dev");
    CHECK(error_of(R"({"image":"app","sign":true,"rekor-url":"rekor.sigstore.dev"})").starts_with(
        "rekor-url: \"rekor.sigstore.dev\" is not an https URL"));
    CHECK(error_of(R"({"image":"app","sign":true,"rekor-url":"https://"})").starts_with("rekor-url: \"https://\""));
}

TEST_CASE("config: signing attributes that cannot take effect are named", "[config][sigstore]") {
    CHECK(error_of(R"({"image":"app","fulcio-url":"https://f.example"})") ==
          "fulcio-url is set, yet nothing is signed; add sign: true or provenance: true, or remove it");
    CHECK(error_of(R"({"image":"app","sign":true,"transparency-log":false,"rekor-url":"https://r.example"})") ==
          "transparency-log: false, yet rekor-url is set; remove one");
    CHECK(error_of(R"({"image":"app","sign":true,"push":false})") ==
          "sign: true, yet push: false; only a pushed image can be signed, so remove one");
    CHECK(error_of(R"({"image":"app","provenance":true,"index":["linux/amd64"]})") ==
          "provenance: true describes one build, yet index is set; put it on the step of each platform (platform: "
          "...), and sign: true here");
    CHECK(error_of(R"({"image":"app","sign":"yes"})").starts_with("sign: "));
}
