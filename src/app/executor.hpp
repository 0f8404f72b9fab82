#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "app/build.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/shell.hpp"

namespace kaniko {

struct BuildPlan;
class LogRelay;

// Where the executor runs, owning it from start to end: `docker run` of its image (the container is
// removed on a cancel), or its binary in this container (its process group gets the signal, then
// SIGKILL after a grace period).
class Executor {
public:
    virtual ~Executor() = default;
    // What must hold before credentials are asked for: a build that cannot start should not get any.
    virtual Status check() = 0;
    // Runs `command` to its end, relaying its output; `on_tick` comes about once a second. A cancel
    // stops it and shows as Streamed::signal. What pre-exit needs after a kill goes in `private_dir`.
    virtual Expected<Streamed> run(const Argv& command, LogRelay& relay, const std::function<void()>& on_tick,
                                   const std::string& private_dir) = 0;
};

std::unique_ptr<Executor> make_executor(const BuildPlan& plan, const BuildEnvironment& edges);

// For pre-exit: a local executor whose helper was killed runs on in its own process group, and could
// still push; this kills that group, as the killed build recorded it in `private_dir`.
void stop_leftover_executor(const std::string& private_dir, std::ostream& log);

// How long the local executor has to stop after a cancel before it is killed.
inline constexpr std::chrono::seconds k_local_stop_grace{10};

}  // namespace kaniko
