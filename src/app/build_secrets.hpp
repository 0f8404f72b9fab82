#pragma once

#include <string>

#include "app/build.hpp"
#include "util/error.hpp"

namespace kaniko {

struct BuildPlan;
class LogRelay;

// Hands the `secrets` to the executor without their values ever being an argument or a container
// variable: each `env` secret's value goes to a 0600 file, named by its ID, in `private_dir`/secrets
// (0700), which the executor gets by path or read-only mount. Every value, and each line of a secret
// file, is masked in the relay and handed to the agent's redactor first. Returns that directory.
Expected<std::string> prepare_build_secrets(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay,
                                            const std::string& private_dir);

}  // namespace kaniko
