#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"
#include "util/shell.hpp"

namespace kaniko {

class SignalWatch;

struct Captured {
    int exit_code = 0;
    std::string output;  // stdout only
};

struct Streamed {
    int exit_code = 0;
    int signal = 0;  // the cancellation signal that arrived while the child ran, or 0
};

enum class Stderr { inherit, discard };
// Once the job is cancelled nothing new may start, except the commands that clean up after it.
enum class OnCancel { refuse, run };

// What stream() calls while a child runs.
struct StreamHandlers {
    // Each read of stdout and stderr, merged, as it arrives: any length, lines not kept whole.
    std::function<void(std::string_view output)> on_output;
    // Once, when a watched signal arrives; reading goes on until the child has exited.
    std::function<void(int signal)> on_signal = [](int) {};
    // About once a second, whatever the child prints, for work that must happen on time.
    std::function<void()> on_tick = [] {};
    // When set, the child leads a session of its own and the helper adopts what it orphans (a child
    // subreaper), so that every process it starts can be found, whatever its process group. A cancel
    // then goes to on_signal first, then as SIGTERM to every one of those processes, and SIGKILL
    // follows after this long for what is left. Unset, stopping the child is on_signal's business
    // (for `docker run`, removing the container).
    std::optional<std::chrono::seconds> stop_grace = std::nullopt;
    // Once, with the child's process ID, as soon as it has started.
    std::function<void(int pid)> on_start = [](int) {};
};

struct CaptureCall {
    Argv argv;
    std::string input;
};

// Runs child processes with an explicit argv (never through a shell) and the helper's environment.
// An interface so that tests can record what would run instead of running it.
class ProcessRunner {
public:
    virtual ~ProcessRunner() = default;

    // `input` goes to stdin (secrets travel this way, never in argv); stdout is returned and stderr
    // is passed through to ours unless discarded. A program that cannot be started, or that exits
    // without reading its input, is an Error; a non-zero exit is not. Once the job is cancelled
    // this is Error::cancelled, before the start or after the end of the child, unless OnCancel::run.
    virtual Expected<Captured> capture(const Argv& argv, std::string_view input = {},
                                       Stderr stderr_mode = Stderr::inherit, OnCancel on_cancel = OnCancel::refuse) = 0;

    // Hands over stdout and stderr, merged, as they arrive. Refuses to start once the
    // job is cancelled; a cancel that comes while the child runs goes to on_signal.
    virtual Expected<Streamed> stream(const Argv& argv, const StreamHandlers& handlers) = 0;

    // capture() of each call, all at once (they must not depend on one another), the results in
    // the order of `calls`. Here one after the other; a runner that can runs them side by side.
    virtual std::vector<Expected<Captured>> capture_all(const std::vector<CaptureCall>& calls);

    // The cancellation signal that has arrived, or 0: for work that starts nothing through the
    // runner (a request to the registry) and must not start after a cancel either.
    virtual int cancel_signal() const { return 0; }
};

// The real thing, on Boost.Process. `signals` may be null when nothing should cancel a child.
class SystemProcessRunner final : public ProcessRunner {
public:
    explicit SystemProcessRunner(const SignalWatch* signals = nullptr) : m_signals(signals) {}
    Expected<Captured> capture(const Argv& argv, std::string_view input = {}, Stderr stderr_mode = Stderr::inherit,
                               OnCancel on_cancel = OnCancel::refuse) override;
    Expected<Streamed> stream(const Argv& argv, const StreamHandlers& handlers) override;
    // A thread each: the agent's CLI calls are requests to the Agent API, mostly waiting.
    std::vector<Expected<Captured>> capture_all(const std::vector<CaptureCall>& calls) override;
    int cancel_signal() const override;

private:
    const SignalWatch* m_signals;
};

// The full path of `program` on PATH, or empty.
std::string find_program(std::string_view program);

}  // namespace kaniko
