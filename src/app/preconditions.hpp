#pragma once

#include "util/environment.hpp"
#include "util/error.hpp"

namespace kaniko {

struct BuildPlan;

// What must hold on the agent before anything runs, and what `plan` checks too, so that both stop
// with the same one line and exit 2: the context and the Dockerfile inside the checkout (links
// followed), the CA files, the Docker config for auth: docker-config, no registry on the loopback
// that a container cannot reach, and every secret's source.
Status check_preconditions(const BuildPlan& plan, const Environment& env);

}  // namespace kaniko
