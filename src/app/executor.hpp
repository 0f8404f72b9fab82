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
// removed on a cancel), or its binary in this container (it leads a session of its own, and on a
// cancel every process of that session gets SIGTERM, then SIGKILL after a grace period).
class Executor {
public:
    virtual ~Executor() = default;
    // What must hold before credentials are asked for: a build that cannot start should not get any.
    virtual Status check() = 0;
    // Runs `command` to its end, relaying its output; `on_tick` comes about once a second. A cancel
    // calls `on_cancel` before anything else, then stops the build; it shows as Streamed::signal.
    // What pre-exit needs after a kill goes in `private_dir`.
    virtual Expected<Streamed> run(const Argv& command, LogRelay& relay, const std::function<void()>& on_tick,
                                   const std::function<void()>& on_cancel, const std::string& private_dir) = 0;
};

std::unique_ptr<Executor> make_executor(const BuildPlan& plan, const BuildEnvironment& edges);

// For pre-exit: when the agent had to SIGKILL the helper, a local build runs on (the executor in its
// own session, a RUN in a process group of its own) and could still push. This kills every process
// of the session that the killed build recorded in `private_dir`, and only of that one.
void stop_leftover_executor(const std::string& private_dir, std::ostream& log);

// How long the local executor has after a cancel before what is left of the build is killed: a
// second less than the agent gives the hook (BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS), so that the
// helper, not the agent's SIGKILL, ends the build; 10 s when the agent does not say.
std::chrono::seconds local_stop_grace(const Environment& env);

}  // namespace kaniko
