#include <catch2/catch.hpp>

#include <algorithm>

#include "config/config.hpp"
#include "plan/plan.hpp"
#include "registry/reference.hpp"

using namespace kaniko;

namespace {

Environment job_env(std::map<std::string, std::string, std::less<>> extra = {}) {
    std::map<std::string, std::string, std::less<>> vars{
        {"BUILDKITE_ORGANIZATION_SLUG", "acme"},
        {"BUILDKITE_COMMIT", "0123456789abcdef0123"},
        {"BUILDKITE_BUILD_NUMBER", "42"},
        {"BUILDKITE_JOB_ID", "0190-job"},
        {"HOME", "/home/agent"},
    };
    for (auto& [k, v] : extra) vars[k] = v;
    return Environment(std::move(vars));
}

BuildPlan plan_of(std::string_view json, const Environment& env = job_env()) {
    const auto config = parse_config(json);
    REQUIRE(config);
    auto plan = make_plan(*config, env, "/builds/acme/app");
    if (!plan) FAIL(plan.error().message);
    return *plan;
}

Error plan_error(std::string_view json, const Environment& env = job_env()) {
    const auto config = parse_config(json);
    REQUIRE(config);
    const auto plan = make_plan(*config, env, "/builds/acme/app");
    REQUIRE_FALSE(plan);
    return plan.error();
}

constexpr auto k_recipe = R"({"image":"hello-kaniko","package-registry":"my-container-registry"})";

}  // namespace

TEST_CASE("plan: the two-line configuration does what the recipe does", "[plan]") {
    const auto plan = plan_of(k_recipe);
    const auto argv = executor_command(plan, {"/tmp/k/docker", "/tmp/k/output"});
    CHECK(argv == Argv{
                      "docker", "run", "--rm", "--name", "kaniko-0190-job", "-e", "container=docker",
                      "-v", "/builds/acme/app:/workspace",
                      "-v", "/tmp/k/docker:/kaniko/.docker:ro",
                      "-v", "/tmp/k/output:/kaniko/output",
                      "ghcr.io/osscontainertools/kaniko:v1.28.3",
                      "--dockerfile=/workspace/Dockerfile",
                      "--context=dir:///workspace",
                      "--destination=packages.buildkite.com/acme/my-container-registry/hello-kaniko:0123456789ab-42",
                      "--verbosity=info",
                      "--log-timestamp",
                      "--cache=true",
                      "--cache-repo=packages.buildkite.com/acme/my-container-registry/hello-kaniko-cache",
                      "--digest-file=/kaniko/output/digest",
                  });
    CHECK(plan.auth == Auth::oidc);
    CHECK(plan.oidc_audience == "https://packages.buildkite.com/acme/my-container-registry");
    CHECK(plan.oidc_lifetime == 300);
    CHECK(plan.push);
}

TEST_CASE("plan: tags", "[plan]") {
    SECTION("without a commit or build number, as the recipe does") {
        const auto plan = plan_of(R"({"image":"app","registry":"r.example"})", Environment());
        CHECK(plan.destinations == std::vector<std::string>{"r.example/app:local-0"});
    }
    SECTION("each tag is a destination") {
        const auto plan = plan_of(R"({"image":"team/api","registry":"ghcr.io/acme","tags":["v1","latest"]})");
        CHECK(plan.destinations == std::vector<std::string>{"ghcr.io/acme/team/api:v1", "ghcr.io/acme/team/api:latest"});
    }
    SECTION("a derived tag that is not valid is reported") {
        const auto error = plan_error(R"({"image":"app","registry":"r.example"})",
                                      job_env({{"BUILDKITE_BUILD_NUMBER", "4 2"}}));
        CHECK(error.message ==
              "tags: \"0123456789ab-4 2\" was derived from BUILDKITE_COMMIT and BUILDKITE_BUILD_NUMBER and is not a "
              "valid tag; set tags explicitly");
    }
}

TEST_CASE("plan: registry resolution", "[plan]") {
    SECTION("PACKAGE_REGISTRY_NAME is the fallback for package-registry") {
        const auto plan = plan_of(R"({"image":"app"})", job_env({{"PACKAGE_REGISTRY_NAME", "images"}}));
        CHECK(plan.registry == "packages.buildkite.com/acme/images");
    }
    SECTION("organization overrides the slug of the job") {
        const auto plan = plan_of(R"({"image":"app","package-registry":"images","organization":"other"})");
        CHECK(plan.registry == "packages.buildkite.com/other/images");
    }
    SECTION("no registry at all") {
        CHECK(plan_error(R"({"image":"app"})").message ==
              "registry: not set; give `package-registry: <name>` for a Buildkite Package Registry (or set "
              "PACKAGE_REGISTRY_NAME), or `registry: <host>[/path]` for any other registry");
    }
    SECTION("no organization") {
        CHECK(plan_error(R"({"image":"app","package-registry":"images"})", Environment()).message.starts_with(
            "organization: not set and BUILDKITE_ORGANIZATION_SLUG is empty"));
    }
    SECTION("a bad PACKAGE_REGISTRY_NAME is named as such") {
        CHECK(plan_error(R"({"image":"app"})", job_env({{"PACKAGE_REGISTRY_NAME", "My Registry"}})).message ==
              "PACKAGE_REGISTRY_NAME: \"My Registry\" is not a valid slug; use lowercase letters, digits and . _ -");
    }
}

TEST_CASE("plan: auth defaults by registry", "[plan]") {
    CHECK(plan_of(R"({"image":"app","registry":"packages.buildkite.com/acme/images"})").auth == Auth::oidc);
    const auto other = plan_of(R"({"image":"app","registry":"ghcr.io/acme"})");
    CHECK(other.auth == Auth::docker_config);
    CHECK(other.docker_config_source == "/home/agent/.docker/config.json");
    CHECK(plan_of(R"({"image":"app","registry":"ghcr.io"})", job_env({{"DOCKER_CONFIG", "/etc/docker-auth"}}))
              .docker_config_source == "/etc/docker-auth/config.json");
    const auto none = plan_of(R"({"image":"app","registry":"localhost:5000","auth":"none"})");
    const auto argv = executor_command(none, {std::nullopt, "/tmp/out"});
    CHECK(std::find(argv.begin(), argv.end(), "/tmp/out:/kaniko/output") != argv.end());
    CHECK(std::none_of(argv.begin(), argv.end(), [](const std::string& a) { return a.ends_with("/kaniko/.docker:ro"); }));
}

TEST_CASE("plan: the recipe's environment switches win over attributes", "[plan]") {
    constexpr auto json = R"({"image":"app","registry":"r.example","kaniko-image":"mirror/kaniko:v1","verbosity":"warn"})";
    SECTION("KANIKO_IMAGE names the exact image, even with debug") {
        const auto plan = plan_of(json, job_env({{"KANIKO_IMAGE", "local/kaniko:dev"}, {"KANIKO_DEBUG", "1"}}));
        CHECK(plan.executor_image == "local/kaniko:dev");
    }
    SECTION("KANIKO_DEBUG=1 picks the debug variant") {
        CHECK(plan_of(json, job_env({{"KANIKO_DEBUG", "1"}})).executor_image == "mirror/kaniko:v1-debug");
        CHECK(plan_of(R"({"image":"app","registry":"r.example"})", job_env({{"KANIKO_DEBUG", "1"}})).executor_image ==
              "ghcr.io/osscontainertools/kaniko:v1.28.3-debug");
        CHECK(plan_of(json, job_env({{"KANIKO_DEBUG", "0"}})).executor_image == "mirror/kaniko:v1");
    }
    SECTION("KANIKO_VERBOSITY") {
        const auto plan = plan_of(json, job_env({{"KANIKO_VERBOSITY", "trace"}}));
        CHECK(std::find(plan.kaniko_args.begin(), plan.kaniko_args.end(), "--verbosity=trace") != plan.kaniko_args.end());
        CHECK(plan_error(json, job_env({{"KANIKO_VERBOSITY", "loud"}})).message ==
              "KANIKO_VERBOSITY: \"loud\" is not a Kaniko log level; use panic, fatal, error, warn, info, debug or "
              "trace");
    }
    SECTION("KANIKO_NO_PUSH=1") {
        const auto plan = plan_of(json, job_env({{"KANIKO_NO_PUSH", "1"}}));
        CHECK_FALSE(plan.push);
        CHECK(plan.kaniko_args.back() == "--no-push");
    }
    SECTION("a bad KANIKO_IMAGE") {
        CHECK(plan_error(json, job_env({{"KANIKO_IMAGE", "NOPE NOPE"}})).message.starts_with(
            "KANIKO_IMAGE: \"NOPE NOPE\" is not an image reference"));
    }
}

TEST_CASE("plan: debug variants of executor images", "[plan]") {
    CHECK(*debug_variant("gcr.io/kaniko-project/executor:v1.24.0") == "gcr.io/kaniko-project/executor:v1.24.0-debug");
    CHECK(*debug_variant("cgr.dev/chainguard/kaniko:latest") == "cgr.dev/chainguard/kaniko:latest-debug");
    CHECK(*debug_variant("localhost:5000/kaniko") == "localhost:5000/kaniko:debug");
    CHECK(*debug_variant("mirror/kaniko:v1-debug") == "mirror/kaniko:v1-debug");
    CHECK_FALSE(debug_variant("mirror/kaniko@sha256:" + std::string(64, 'a')));
}

TEST_CASE("plan: build flags in order, extra-args last", "[plan]") {
    const auto plan = plan_of(R"({
        "image":"app","registry":"r.example","tags":"t","context":"svc","dockerfile":"Dockerfile.ci",
        "build-args":["VERSION=1","NPM_TOKEN"],"target":"prod","labels":["a=b"],"platform":"linux/arm64",
        "cache-repo":"r.example/cache","cache-ttl":"24h","push":false,"network":"host",
        "extra-args":["--snapshot-mode=redo","--use-new-run"]})",
                              job_env({{"NPM_TOKEN", "secret-value"}}));
    const auto argv = executor_command(plan, {"/c", "/o"});
    const auto image_at = std::find(argv.begin(), argv.end(), "ghcr.io/osscontainertools/kaniko:v1.28.3");
    REQUIRE(image_at != argv.end());
    CHECK(Argv(argv.begin(), image_at) == Argv{"docker", "run", "--rm", "--name", "kaniko-0190-job", "--network",
                                                "host", "-e", "container=docker", "-e", "NPM_TOKEN", "-v",
                                                "/builds/acme/app:/workspace", "-v", "/c:/kaniko/.docker:ro", "-v",
                                                "/o:/kaniko/output"});
    CHECK(Argv(image_at + 1, argv.end()) == Argv{"--dockerfile=/workspace/svc/Dockerfile.ci",
                                                  "--context=dir:///workspace/svc",
                                                  "--destination=r.example/app:t-linux-arm64",
                                                  "--verbosity=info",
                                                  "--log-timestamp",
                                                  "--cache=true",
                                                  "--cache-repo=r.example/cache",
                                                  "--cache-ttl=24h",
                                                  "--no-push-cache",
                                                  "--build-arg=VERSION=1",
                                                  "--build-arg=NPM_TOKEN",
                                                  "--target=prod",
                                                  "--label=a=b",
                                                  "--custom-platform=linux/arm64",
                                                  "--no-push",
                                                  "--digest-file=/kaniko/output/digest",
                                                  "--snapshot-mode=redo",
                                                  "--use-new-run"});
    SECTION("the value of a passed-through build argument never reaches argv") {
        CHECK(std::none_of(argv.begin(), argv.end(),
                           [](const std::string& a) { return a.find("secret-value") != std::string::npos; }));
    }
}

TEST_CASE("plan: a passed-through build argument must be set", "[plan]") {
    CHECK(plan_error(R"({"image":"app","registry":"r.example","build-args":["MISSING"]})").message ==
          "build-args[0]: \"MISSING\" names a variable that is not set in the job environment; set it in the step's "
          "env, or write MISSING=value");
}

TEST_CASE("plan: cache off leaves out every cache flag", "[plan]") {
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","cache":false})");
    CHECK(std::none_of(plan.kaniko_args.begin(), plan.kaniko_args.end(),
                       [](const std::string& a) { return a.starts_with("--cache"); }));
}

TEST_CASE("plan: names are scoped to the job", "[plan]") {
    const auto plan = plan_of(k_recipe, job_env({{"BUILDKITE_JOB_ID", "a/b c"}}));
    CHECK(plan.container_name == "kaniko-a-b-c");
    CHECK(plan.job_scope == "a-b-c");
    CHECK(plan.annotation_context == "kaniko-a-b-c-packages.buildkite.com-acme-my-container-registry-hello-kaniko");
    CHECK(plan_of(k_recipe, job_env({{"BUILDKITE_JOB_ID", ""}})).container_name == "kaniko-local");
}

TEST_CASE("plan: annotations are scoped to the step, so concurrent builds of one image keep one each", "[plan]") {
    const auto context = [](std::map<std::string, std::string, std::less<>> extra) {
        return plan_of(k_recipe, job_env(std::move(extra))).annotation_context;
    };
    const std::string image = "packages.buildkite.com-acme-my-container-registry-hello-kaniko";
    CHECK(context({{"BUILDKITE_STEP_KEY", "build-api"}}) == "kaniko-build-api-" + image);
    CHECK(context({{"BUILDKITE_STEP_KEY", "build"}, {"BUILDKITE_PARALLEL_JOB", "2"}}) == "kaniko-build-2-" + image);
    CHECK(context({{"BUILDKITE_JOB_ID", "0190-job"}}) == "kaniko-0190-job-" + image);
    CHECK(context({{"BUILDKITE_STEP_KEY", "a"}}) != context({{"BUILDKITE_STEP_KEY", "b"}}));
}

TEST_CASE("plan: registry certificates and insecure registries reach the executor", "[plan]") {
    const auto plan = plan_of(R"({"image":"app","registry":"registry.local:5000/team",
        "registry-certificates":{"registry.local:5000":"/etc/ssl/ca.pem"},"insecure-registries":["mirror:80"]})");
    CHECK(plan.api_repository == "team/app");
    const auto argv = executor_command(plan, {"/c", "/o"});
    CHECK(std::find(argv.begin(), argv.end(),
                    "/etc/ssl/ca.pem:/kaniko/registry-certificates/registry.local-5000.crt:ro") != argv.end());
    CHECK(std::find(argv.begin(), argv.end(),
                    "--registry-certificate=registry.local:5000=/kaniko/registry-certificates/registry.local-5000.crt") !=
          argv.end());
    CHECK(std::find(argv.begin(), argv.end(), "--insecure-registry=mirror:80") != argv.end());
}

TEST_CASE("plan: the repository's name in the registry API includes the registry's path", "[plan]") {
    CHECK(plan_of(k_recipe).api_repository == "acme/my-container-registry/hello-kaniko");
    CHECK(plan_of(R"({"image":"team/api","registry":"ghcr.io"})").api_repository == "team/api");
}

TEST_CASE("plan: executor auto is local only in a container with the executor and no docker CLI", "[plan]") {
    const auto config = parse_config(R"({"image":"app","registry":"ghcr.io/acme"})");
    REQUIRE(config);
    const auto kind = [&](HostFacts host) { return make_plan(*config, job_env(), "/workspace/app", host)->executor; };
    CHECK(kind({.docker_cli = false, .executor_binary = true}) == ExecutorKind::local);
    CHECK(kind({.docker_cli = true, .executor_binary = true}) == ExecutorKind::docker);
    CHECK(kind({.docker_cli = false, .executor_binary = false}) == ExecutorKind::docker);
    const auto forced = parse_config(R"({"image":"app","registry":"ghcr.io/acme","executor":"local"})");
    REQUIRE(forced);
    CHECK(make_plan(*forced, job_env(), "/w", {.docker_cli = true, .executor_binary = false})->executor ==
          ExecutorKind::local);
}

TEST_CASE("plan: the local executor builds the checkout in place, its binary first", "[plan]") {
    const auto plan = plan_of(R"({"image":"app","registry":"ghcr.io/acme","tags":"v1","context":"svc",
        "executor":"local","executor-path":"/opt/kaniko/executor","build-args":["A=1"],
        "registry-certificates":{"registry.local:5000":"/etc/ssl/ca.pem"},"extra-args":["--snapshot-mode=redo"]})");
    CHECK(plan.executor == ExecutorKind::local);
    CHECK(plan.local_docker_config_dir == "/kaniko/.docker");
    CHECK(executor_command(plan, {std::nullopt, "/tmp/private/output"}) ==
          Argv{"/opt/kaniko/executor", "--dockerfile=/builds/acme/app/svc/Dockerfile",
               "--context=dir:///builds/acme/app/svc", "--destination=ghcr.io/acme/app:v1", "--verbosity=info",
               "--log-timestamp", "--cache=true", "--cache-repo=ghcr.io/acme/app-cache", "--build-arg=A=1",
               "--registry-certificate=registry.local:5000=/etc/ssl/ca.pem", "--digest-file=/tmp/private/output/digest",
               "--snapshot-mode=redo"});
    // The Kaniko images set DOCKER_CONFIG; the executor reads config.json there.
    const auto elsewhere = plan_of(R"({"image":"app","registry":"ghcr.io/acme","executor":"local"})",
                                   job_env({{"DOCKER_CONFIG", "/home/agent/.docker/"}}));
    CHECK(elsewhere.local_docker_config_dir == "/home/agent/.docker");
}

TEST_CASE("plan: push false pushes no cache layers either, unless cache-push says so", "[plan]") {
    const auto has_no_push_cache = [](std::string_view json) {
        const auto args = plan_of(json).kaniko_args;
        return std::find(args.begin(), args.end(), "--no-push-cache") != args.end();
    };
    CHECK_FALSE(has_no_push_cache(R"({"image":"app","registry":"r.example"})"));
    CHECK(has_no_push_cache(R"({"image":"app","registry":"r.example","push":false})"));
    CHECK_FALSE(has_no_push_cache(R"({"image":"app","registry":"r.example","push":false,"cache-push":true})"));
    CHECK(has_no_push_cache(R"({"image":"app","registry":"r.example","cache-push":false})"));
    const auto no_push_env = plan_of(R"({"image":"app","registry":"r.example"})", job_env({{"KANIKO_NO_PUSH", "1"}}));
    CHECK(std::find(no_push_env.kaniko_args.begin(), no_push_env.kaniko_args.end(), "--no-push-cache") !=
          no_push_env.kaniko_args.end());
    // Without the cache there is no cache to keep in.
    const auto uncached = plan_of(R"({"image":"app","registry":"r.example","push":false,"cache":false})").kaniko_args;
    CHECK(std::find(uncached.begin(), uncached.end(), "--no-push-cache") == uncached.end());
}

TEST_CASE("plan: secrets travel as files, by ID, never as values", "[plan]") {
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","tags":"v1","cache":false,
        "secrets":["NPM_TOKEN",{"id":"pip","env":"PIP_INDEX_TOKEN"},{"id":"netrc","file":"/etc/buildkite/netrc"}]})");
    const auto argv = executor_command(plan, {std::nullopt, "/p/output", "/p/secrets"});
    const auto image_at = std::find(argv.begin(), argv.end(), std::string(k_default_executor_image));
    REQUIRE(image_at != argv.end());
    CHECK(Argv(image_at - 4, image_at) == Argv{"-v", "/etc/buildkite/netrc:/kaniko/buildkite-secret-files/netrc:ro",
                                               "-v", "/p/secrets:/kaniko/buildkite-secrets:ro"});
    CHECK(Argv(argv.end() - 4, argv.end() - 1) ==
          Argv{"--secret=id=NPM_TOKEN,src=/kaniko/buildkite-secrets/NPM_TOKEN",
               "--secret=id=pip,src=/kaniko/buildkite-secrets/pip",
               "--secret=id=netrc,src=/kaniko/buildkite-secret-files/netrc"});
    CHECK(std::find(argv.begin(), argv.end(), "NPM_TOKEN") == argv.end());  // no -e NPM_TOKEN

    auto local = plan;
    local.executor = ExecutorKind::local;
    const auto local_argv = executor_command(local, {std::nullopt, "/p/output", "/p/secrets"});
    CHECK(std::find(local_argv.begin(), local_argv.end(), "--secret=id=netrc,src=/etc/buildkite/netrc") !=
          local_argv.end());
    CHECK(std::find(local_argv.begin(), local_argv.end(), "--secret=id=pip,src=/p/secrets/pip") != local_argv.end());
}

TEST_CASE("plan: the hosts the executor talks to, and which are the agent's loopback", "[plan]") {
    const auto plan = plan_of(R"({"image":"app","registry":"127.0.0.1:5000/team","cache-repo":"localhost:5001/cache",
        "extra-args":["--registry-mirror=[::1]:5002"]})");
    CHECK(executor_hosts(plan) == std::vector<std::string>{"127.0.0.1:5000/team", "localhost:5001/cache", "[::1]:5002"});
    for (const auto* host : {"127.0.0.1:5000/team", "127.8.9.10", "localhost", "localhost:5001/cache", "[::1]:5002", "::1"}) {
        CHECK(is_loopback_host(host));
    }
    for (const auto* host : {"registry.example.com", "10.0.0.1:5000", "localhost.example.com", "ghcr.io/acme"}) {
        CHECK_FALSE(is_loopback_host(host));
    }
}

TEST_CASE("plan: a platform's build appends the platform to each tag, variant included", "[plan][platform]") {
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","tags":["v1","latest"],"platform":"linux/arm/v7"})");
    CHECK(plan.tags == std::vector<std::string>{"v1-linux-arm-v7", "latest-linux-arm-v7"});
    CHECK(plan.destinations == std::vector<std::string>{"r.example/app:v1-linux-arm-v7", "r.example/app:latest-linux-arm-v7"});
    CHECK(platform_digest_key(plan.image, *plan.platform) == "kaniko-digest:app:linux/arm/v7");
    CHECK_FALSE(is_index_only(plan));
    // The recipe's default tag gets the suffix too.
    CHECK(plan_of(R"({"image":"app","registry":"r.example","platform":"linux/amd64"})").tags ==
          std::vector<std::string>{"0123456789ab-42-linux-amd64"});
}

TEST_CASE("plan: platforms plans a build of each, then their index under the plain tags", "[plan][platform]") {
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","tags":["v1"],"platforms":["linux/amd64","linux/arm64"]})");
    CHECK(plan.tags == std::vector<std::string>{"v1"});
    CHECK(plan.index == std::vector<Platform>{{"linux", "amd64", ""}, {"linux", "arm64", ""}});
    REQUIRE(plan.platform_builds.size() == 2);
    CHECK(plan.platform_builds[1].tags == std::vector<std::string>{"v1-linux-arm64"});
    CHECK(plan.platform_builds[1].platform == Platform{"linux", "arm64", ""});
    CHECK(std::find(plan.platform_builds[1].kaniko_args.begin(), plan.platform_builds[1].kaniko_args.end(),
                    "--custom-platform=linux/arm64") != plan.platform_builds[1].kaniko_args.end());
    CHECK(plan.platform_builds[1].platform_builds.empty());
    CHECK_FALSE(is_index_only(plan));
}

TEST_CASE("plan: an index step builds nothing", "[plan][platform]") {
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","tags":["v1"],"index":["linux/amd64","linux/arm64"]})");
    CHECK(is_index_only(plan));
    CHECK(plan.tags == std::vector<std::string>{"v1"});
    CHECK(plan.platform_builds.empty());
    CHECK_FALSE(plan.platform);
}

TEST_CASE("plan: what is signed, and nothing when nothing is pushed", "[plan][sigstore]") {
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","sign":true,"provenance":true})");
    REQUIRE(plan.signing);
    CHECK(plan.signing->provenance);
    CHECK(plan.signing->fulcio_url == "https://fulcio.sigstore.dev");
    CHECK(plan.signing->rekor_url == "https://rekor.sigstore.dev");
    const auto unlogged = plan_of(R"({"image":"app","registry":"r.example","sign":true,"transparency-log":false})");
    REQUIRE(unlogged.signing);
    CHECK_FALSE(unlogged.signing->rekor_url);
    CHECK_FALSE(plan_of(R"({"image":"app","registry":"r.example"})").signing);
    CHECK_FALSE(plan_of(R"({"image":"app","registry":"r.example","sign":true})", job_env({{"KANIKO_NO_PUSH", "1"}})).signing);
}

TEST_CASE("plan: a platforms step signs its index, not each build", "[plan][sigstore]") {
    const auto plan = plan_of(R"({"image":"app","registry":"r.example","sign":true,"platforms":["linux/amd64","linux/arm64"]})");
    CHECK(plan.signing);
    REQUIRE(plan.platform_builds.size() == 2);
    CHECK_FALSE(plan.platform_builds[0].signing);
    CHECK_FALSE(plan.platform_builds[1].signing);
}
