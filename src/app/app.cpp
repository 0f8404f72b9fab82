#include "app/app.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <iostream>
#include <span>
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

constexpr std::string_view k_version = KANIKO_VERSION;  // from the VERSION file, through CMake
constexpr int k_exit_exists_unknown = 2;

using Args = std::span<const std::string_view>;  // after the command's name

std::string temp_root(const Environment& env) { return env.get("TMPDIR").value_or("/tmp"); }

std::string current_dir() {
    std::error_code ec;
    return std::filesystem::current_path(ec).string();
}

int print_error(const Error& error) {
    std::cerr << "kaniko: " << error.message << '\n';
    return error.exit_code;
}

// Only build and exists talk to a registry; the other commands need no HTTP client, nor the disk
// searched for CA certificates.
TrustStore trust_store(const Environment& env) {
    return find_trust_store(env, [](const std::string& path) {
        std::error_code ec;
        return std::filesystem::is_regular_file(path, ec);
    });
}

template <typename Use>
auto with_http(const TrustStore& trust, const Use& use) {
    CurlHttpClient curl(trust);
    RetryingHttpClient http(curl, RetryPolicy{}, [](std::chrono::milliseconds pause) { std::this_thread::sleep_for(pause); });
    return use(http);
}

int plan_command(const Environment& env, Args) {
    auto text = describe_plan(env, current_dir());
    if (!text) return print_error(text.error());
    std::cout << *text;
    return 0;
}

int build_command(const Environment& env, Args args) {
    if (!args.empty() && args.front() == "--dry-run") return plan_command(env, args);
    // Helper messages reach the log when they happen, not at the executor's next line.
    std::cout << std::unitbuf;
    // Each call of the agent's CLI would log an INFO line ("Reading ... from STDIN") that tells a user
    // nothing; its warnings and errors still show. Set for the helper's children only: the plan and
    // the environment the plugin reads were taken before.
    ::setenv("BUILDKITE_AGENT_LOG_LEVEL", "warn", 1);
    SignalWatch signals;
    SystemProcessRunner runner(&signals);
    auto agent = make_agent(runner, std::cout);
    const auto trust = trust_store(env);
    auto code = with_http(trust, [&](HttpClient& http) {
        return run_build({env, runner, *agent, http, std::cout, current_dir(), temp_root(env), describe(trust),
                          std::string(k_version)});
    });
    std::cout.flush();
    if (!code) {
        std::cout << "^^^ +++\n";
        std::cout.flush();
        return print_error(code.error());
    }
    return *code;
}

int exists_command(const Environment& env, Args args) {
    const auto trust = trust_store(env);
    std::vector<std::string> options(args.begin(), args.end());
    if (std::erase(options, "--verbose") > 0) std::cerr << "kaniko: " << describe(trust) << '\n';
    SystemProcessRunner runner;
    auto code = with_http(trust, [&](HttpClient& http) { return run_exists(options, env, runner, http, std::cout); });
    if (!code) {
        // 1 already means "not there"; any failure to find out is 2, whatever its usual code.
        print_error(code.error());
        return k_exit_exists_unknown;
    }
    return *code;
}

int validate_command(const Environment& env, Args) {
    if (auto valid = validate_configuration(env, current_dir()); !valid) return print_error(valid.error());
    return 0;
}

int cleanup_command(const Environment& env, Args) {
    SystemProcessRunner runner;
    run_cleanup(env, runner, temp_root(env), std::cout);
    return 0;
}

int attributes_command(const Environment&, Args) {
    for (const auto& spec : attribute_specs()) std::cout << spec.name << '\n';
    return 0;
}

int version_command(const Environment&, Args) {
    std::cout << "kaniko-buildkite-helper " << k_version << '\n';
    return 0;
}

int help_command(const Environment&, Args);

struct Command {
    std::string_view name;
    std::string_view arguments;
    std::string_view summary;  // empty for an alias, which the usage leaves out
    int (*run)(const Environment& env, Args args);
};

// Every subcommand, and the usage text, from one list.
constexpr std::array k_commands{
    Command{"build", "", "build and push, as configured by the plugin's attributes (the command hook)", build_command},
    Command{"plan", "", "print the commands `build` would run, secrets masked, and exit (also: build --dry-run)",
            plan_command},
    Command{"validate", "", "check the plugin's attributes alone (no checkout needed): exit 0, or 2 and the problem",
            validate_command},
    Command{"exists", "REF",
            "print REF's digest and exit 0 if the registry has it, exit 1 if not\n"
            "               (options: --docker-config FILE, --ca-file FILE, --insecure, --verbose)",
            exists_command},
    Command{"cleanup", "", "remove what a cancelled build of this job left behind (the pre-exit hook)",
            cleanup_command},
    Command{"attributes", "", "list the attributes the plugin accepts", attributes_command},
    Command{"version", "", "print the helper's version", version_command},
    Command{"--version", "", "", version_command},
    Command{"help", "", "", help_command},
    Command{"--help", "", "", help_command},
    Command{"-h", "", "", help_command},
};

std::string usage() {
    std::string text = "usage: kaniko-buildkite-helper <command>\n\n"
                       "Builds a Dockerfile with Kaniko and pushes the image; run by the plugin's hooks.\n\ncommands:\n";
    for (const auto& command : k_commands) {
        if (command.summary.empty()) continue;
        const auto synopsis = command.arguments.empty() ? std::string(command.name)
                                                        : fmt::format("{} {}", command.name, command.arguments);
        text += fmt::format("  {:<13}{}\n", synopsis, command.summary);
    }
    return text;
}

int help_command(const Environment&, Args) {
    std::cout << usage();
    return 0;
}

int dispatch(const std::vector<std::string_view>& args) {
    const auto name = args.empty() ? std::string_view("build") : args.front();
    const auto found = std::find_if(k_commands.begin(), k_commands.end(),
                                    [&](const Command& command) { return command.name == name; });
    if (found == k_commands.end()) {
        std::cerr << fmt::format("kaniko: unknown command {}\n", quote_value(name)) << usage();
        return k_exit_invalid_config;
    }
    const Args rest = args.empty() ? Args{} : Args(args).subspan(1);
    return found->run(Environment::from_process(), rest);
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
