#pragma once

#include <string>

#include "util/environment.hpp"
#include "util/error.hpp"

namespace kaniko {

struct BuildPlan;

// What must hold on the agent before anything runs, and what `plan` checks too, so that both stop
// with the same one line and exit 2: the context and the Dockerfile inside the checkout (links
// followed), the CA files, the Docker config for auth: docker-config, no registry on the loopback
// that a container cannot reach, and every secret's source. An index step needs only the CA files and
// the Docker config.
Status check_preconditions(const BuildPlan& plan, const Environment& env);

// auth: docker-config without the file: what the check says, and what a build says should the file
// go between the check and its use.
Error missing_docker_config(const std::string& path);

}  // namespace kaniko
