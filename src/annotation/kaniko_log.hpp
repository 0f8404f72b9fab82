#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kaniko {

// What Kaniko's output says about why a build failed, read from its last lines.
struct KanikoFailure {
    // Kaniko's last word, "error building image: ...", when it said one.
    std::optional<std::string> error;
    // The RUN that failed, as Kaniko announced it, with its stage and its exit status; unset when
    // the build failed elsewhere (a COPY source, a base image, the push).
    std::optional<std::string> instruction;
    std::string stage;  // "stage 0 (FROM base:1)"
    std::optional<int> exit_status;
    std::vector<std::string> output;  // that RUN's own lines, without Kaniko's
};

// `lines` are the executor's output, oldest first, terminal escapes and all.
KanikoFailure read_kaniko_failure(const std::vector<std::string>& lines);

}  // namespace kaniko
