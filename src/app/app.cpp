#include "app/app.hpp"

#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <thread>
#include <iostream>
#include <string_view>
#include <vector>

#include "app/build.hpp"
#include "app/exists.hpp"
#include "buildkite/agent.hpp"
#include "config/config.hpp"
#include "registry/http.hpp"
#include "util/environment.hpp"
#include "util/process.hpp"
#include "util/signals.hpp"

namespace kaniko {

namespace {

constexpr std::string_view k_usage = R"(usage: kaniko-buildkite-helper <command>

Builds a Dockerfile with Kaniko and pushes the image; run by the plugin's hooks.

commands:
  build        build and push, as configured by the plugin's attributes (the command hook)
  plan         print the commands `build` would run, secrets masked, and exit (also: build --dry-run)
  exists REF   print REF's digest and exit 0 if the registry has it, exit 1 if not
               (options: --docker-config FILE, --ca-file FILE, --insecure, --verbose)
  cleanup      remove what a cancelled build of this job left behind (the pre-exit hook)
  attributes   list the attributes the plugin accepts
  version      print the helper's version
)";

constexpr std::string_view k_version = KANIKO_VERSION;  // from the VERSION file, through CMake
constexpr int k_exit_exists_unknown = 2;

std::string temp_root(const Environment& env) { return env.get("TMPDIR").value_or("/tmp"); }

std::string current_dir() {
    std::error_code ec;
    return std::filesystem::current_path(ec).string();
}

int print_error(const Error& error) {
    std::cerr << "kaniko: " << error.message << '\n';
    return error.exit_code;
}

int dispatch(const std::vector<std::string_view>& args) {
    const auto env = Environment::from_process();
    const auto command = args.empty() ? std::string_view("build") : args.front();
    const bool dry_run = args.size() > 1 && args[1] == "--dry-run";
    if (command == "plan" || (command == "build" && dry_run)) {
        auto text = describe_plan(env, current_dir());
        if (!text) return print_error(text.error());
        std::cout << *text;
        return 0;
    }
    // Only build and exists talk to a registry; the other commands need no HTTP client, nor the disk
    // searched for CA certificates.
    const auto trust_store = [&] {
        return find_trust_store(env, [](const std::string& path) {
            std::error_code ec;
            return std::filesystem::is_regular_file(path, ec);
        });
    };
    const auto with_http = [](const TrustStore& trust, const auto& use) {
        CurlHttpClient curl(trust);
        RetryingHttpClient http(curl, RetryPolicy{},
                                [](std::chrono::milliseconds pause) { std::this_thread::sleep_for(pause); });
        return use(http);
    };
    if (command == "build") {
        // Helper messages reach the log when they happen, not at the executor's next line.
        std::cout << std::unitbuf;
        SignalWatch signals;
        SystemProcessRunner runner(&signals);
        auto agent = make_agent(runner, std::cout);
        const auto trust = trust_store();
        auto code = with_http(trust, [&](HttpClient& http) {
            return run_build({env, runner, *agent, http, std::cout, current_dir(), temp_root(env), describe(trust)});
        });
        std::cout.flush();
        if (!code) {
            std::cout << "^^^ +++\n";
            std::cout.flush();
            return print_error(code.error());
        }
        return *code;
    }
    if (command == "exists") {
        const auto trust = trust_store();
        std::vector<std::string> options(args.begin() + 1, args.end());
        if (std::erase(options, "--verbose") > 0) std::cerr << "kaniko: " << describe(trust) << '\n';
        SystemProcessRunner runner;
        auto code =
            with_http(trust, [&](HttpClient& http) { return run_exists(options, env, runner, http, std::cout); });
        if (!code) {
            // 1 already means "not there"; any failure to find out is 2, whatever its usual code.
            print_error(code.error());
            return k_exit_exists_unknown;
        }
        return *code;
    }
    if (command == "cleanup") {
        SystemProcessRunner runner;
        run_cleanup(env, runner, temp_root(env), std::cout);
        return 0;
    }
    if (command == "attributes") {
        for (const auto& spec : attribute_specs()) std::cout << spec.name << '\n';
        return 0;
    }
    if (command == "version" || command == "--version") {
        std::cout << "kaniko-buildkite-helper " << k_version << '\n';
        return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
        std::cout << k_usage;
        return 0;
    }
    std::cerr << fmt::format("kaniko: unknown command {}\n", quote_value(command)) << k_usage;
    return k_exit_invalid_config;
}

}  // namespace

int run(int argc, char** argv) {
    // A child that exits without reading its input must not take the helper with it: the write
    // fails with EPIPE instead, and that one call reports it.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        std::vector<std::string_view> args(argv + 1, argv + argc);
        return dispatch(args);
    } catch (const std::exception& e) {
        return print_error(Error::failure(fmt::format("internal error: {}", e.what())));
    }
}

}  // namespace kaniko
