#pragma once

#include <functional>
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

// What stream() calls while a child runs.
struct StreamHandlers {
    std::function<void(std::string_view line)> on_line;
    // Once, when a watched signal arrives; reading goes on until the child has exited.
    std::function<void(int signal)> on_signal = [](int) {};
    // About once a second, whatever the child prints, for work that must happen on time.
    std::function<void()> on_tick = [] {};
};

// Runs child processes with an explicit argv (never through a shell) and the helper's environment.
// An interface so that tests can record what would run instead of running it.
class ProcessRunner {
public:
    virtual ~ProcessRunner() = default;

    // `input` goes to stdin (secrets travel this way, never in argv); stdout is returned and stderr
    // is passed through to ours unless discarded. A program that cannot be started is an Error, a
    // non-zero exit is not.
    virtual Expected<Captured> capture(const Argv& argv, std::string_view input = {},
                                       Stderr stderr_mode = Stderr::inherit) = 0;

    // Hands over stdout and stderr, merged, line by line as they arrive.
    virtual Expected<Streamed> stream(const Argv& argv, const StreamHandlers& handlers) = 0;
};

// The real thing, on Boost.Process. `signals` may be null when nothing should cancel a child.
class SystemProcessRunner final : public ProcessRunner {
public:
    explicit SystemProcessRunner(const SignalWatch* signals = nullptr) : m_signals(signals) {}
    Expected<Captured> capture(const Argv& argv, std::string_view input = {},
                               Stderr stderr_mode = Stderr::inherit) override;
    Expected<Streamed> stream(const Argv& argv, const StreamHandlers& handlers) override;

private:
    const SignalWatch* m_signals;
};

// The full path of `program` on PATH, or empty.
std::string find_program(std::string_view program);

}  // namespace kaniko
