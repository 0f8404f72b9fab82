#pragma once

#include <iosfwd>
#include <string>

#include "util/environment.hpp"
#include "util/error.hpp"

namespace kaniko {

class Agent;
class HttpClient;
class ProcessRunner;

// The edges a build talks to, handed in so that the flow can run against stand-ins.
struct BuildEnvironment {
    const Environment& env;
    ProcessRunner& runner;
    Agent& agent;
    HttpClient& http;
    std::ostream& log;
    std::string checkout_dir;
    std::string temp_root;
    std::string trust;  // what TLS trusts by default, said at debug verbosity
    std::string version = {};  // the plugin's, for the builder a provenance names
};

// Validates, fetches credentials, runs the executor and reports. Returns the exit code the step
// should end with: the executor's own, unchanged, when it ran.
Expected<int> run_build(const BuildEnvironment& edges);

// The commands `build` would run, secrets masked, after the checks on the agent that `build` makes
// before it requests a token.
Expected<std::string> describe_plan(const Environment& env, const std::string& checkout_dir);

// The plugin configuration alone, as far as it needs no checkout: for linting a pipeline's attributes.
Status validate_configuration(const Environment& env, const std::string& checkout_dir);

// Removes what a killed `build` of this job left behind: its container and private directories.
void run_cleanup(const Environment& env, ProcessRunner& runner, const std::string& temp_root, std::ostream& log);

std::string temp_dir_prefix(std::string_view job_scope);

}  // namespace kaniko
