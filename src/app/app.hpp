#pragma once

namespace kaniko {

// The helper's entry point: parses the subcommand, runs it, and is the one place that turns an
// Error into a printed message and an exit code.
int run(int argc, char** argv);

}  // namespace kaniko
