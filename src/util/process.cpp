// The only file that includes Boost.Process: it is slow to compile.
#include "util/process.hpp"

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <fmt/format.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <system_error>
#include <thread>

#include "util/process_table.hpp"
#include "util/signals.hpp"

namespace kaniko {

namespace bp = boost::process;

namespace {

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return k_exit_failure;
}

Expected<std::string> locate(const Argv& argv) {
    if (argv.empty()) return Error::failure("internal: empty command");
    const auto path = find_program(argv.front());
    if (path.empty()) {
        return Error::failure(fmt::format("{} was not found on PATH; install it or add its directory to PATH",
                                          argv.front()));
    }
    return path;
}

std::vector<std::string> arguments_of(const Argv& argv) { return {argv.begin() + 1, argv.end()}; }

// Close-on-exec until the child's dup2 onto its stdin or stdout: a child started meanwhile by
// another thread must not hold this pipe open, or the reader here never sees end of file.
bp::pipe private_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    return bp::pipe(fds[0], fds[1]);
}

}  // namespace

std::vector<Expected<Captured>> ProcessRunner::capture_all(const std::vector<CaptureCall>& calls) {
    std::vector<Expected<Captured>> results;
    for (const auto& call : calls) results.push_back(capture(call.argv, call.input));
    return results;
}

std::vector<Expected<Captured>> SystemProcessRunner::capture_all(const std::vector<CaptureCall>& calls) {
    std::vector<std::optional<Expected<Captured>>> results(calls.size());
    try {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < calls.size(); ++i) {
            threads.emplace_back([&, i] { results[i].emplace(capture(calls[i].argv, calls[i].input)); });
        }
    } catch (const std::system_error&) {
        // No thread to be had: what did not run runs here, in turn.
    }
    std::vector<Expected<Captured>> ordered;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        ordered.push_back(results[i] ? std::move(*results[i]) : capture(calls[i].argv, calls[i].input));
    }
    return ordered;
}

std::string find_program(std::string_view program) {
    if (program.find('/') != std::string_view::npos) {
        return ::access(std::string(program).c_str(), X_OK) == 0 ? std::string(program) : std::string();
    }
    return bp::search_path(std::string(program)).string();
}

int SystemProcessRunner::cancel_signal() const { return m_signals != nullptr ? m_signals->received() : 0; }

Expected<Captured> SystemProcessRunner::capture(const Argv& argv, std::string_view input, Stderr stderr_mode,
                                                OnCancel on_cancel) {
    const auto refuse_when_cancelled = [&]() -> std::optional<Error> {
        if (on_cancel == OnCancel::refuse && cancel_signal() != 0) return Error::cancelled(cancel_signal());
        return std::nullopt;
    };
    if (auto cancelled = refuse_when_cancelled()) return *cancelled;
    auto path = locate(argv);
    if (!path) return path.error();
    Captured result;
    bool input_refused = false;
    try {
        auto to_child = private_pipe();
        auto from_child = private_pipe();
        auto child = stderr_mode == Stderr::discard
                         ? bp::child(*path, bp::args(arguments_of(argv)), bp::std_in < to_child,
                                     bp::std_out > from_child, bp::std_err > bp::null)
                         : bp::child(*path, bp::args(arguments_of(argv)), bp::std_in < to_child,
                                     bp::std_out > from_child);
        // Our copies of the child's ends must go, or neither side ever sees end of file.
        ::close(to_child.native_source());
        to_child.assign_source(-1);
        ::close(from_child.native_sink());
        from_child.assign_sink(-1);
        int input_fd = to_child.native_sink();
        const auto close_input = [&] {
            ::close(input_fd);
            input_fd = -1;
            to_child.assign_sink(-1);
        };
        ::fcntl(input_fd, F_SETFL, ::fcntl(input_fd, F_GETFL) | O_NONBLOCK);
        if (input.empty()) close_input();
        // Write and read at once: a child may answer before it has read all of a large input.
        for (bool output_open = true; output_open;) {
            pollfd fds[2] = {{from_child.native_source(), POLLIN, 0}, {input_fd, POLLOUT, 0}};
            if (::poll(fds, input_fd >= 0 ? 2 : 1, -1) < 0) {
                if (errno == EINTR) continue;
                break;
            }
            if (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
                const auto n = ::write(input_fd, input.data(), input.size());
                if (n >= 0) {
                    input.remove_prefix(static_cast<std::size_t>(n));
                    if (input.empty()) close_input();
                } else if (errno == EPIPE) {
                    input_refused = true;  // SIGPIPE is ignored: the helper lives on and says so
                    close_input();
                } else if (errno != EINTR && errno != EAGAIN) {
                    close_input();
                }
            }
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buffer[8192];
                const auto n = ::read(from_child.native_source(), buffer, sizeof buffer);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) {
                    output_open = false;
                } else {
                    result.output.append(buffer, static_cast<std::size_t>(n));
                }
            }
        }
        if (input_fd >= 0) close_input();
        child.wait();
        result.exit_code = decode_status(child.native_exit_code());
    } catch (const std::exception& e) {
        return Error::failure(fmt::format("could not run {}: {}", argv.front(), e.what()));
    }
    // The child had the same signal from the agent: what it said is not the outcome, the cancel is.
    if (auto cancelled = refuse_when_cancelled()) return *cancelled;
    if (input_refused) {
        return Error::failure(fmt::format("{} exited (code {}) without reading its standard input",
                                          shell_join(argv), result.exit_code));
    }
    return result;
}

namespace {

// How long reading goes on after the SIGKILL: a process that left the build's session and holds the
// output open must not keep the job from ending.
constexpr auto k_read_after_kill = std::chrono::milliseconds(500);
constexpr auto k_gone_poll = std::chrono::milliseconds(20);

// Every process of a build whose executor leads session `leader`, as the helper finds them now.
void signal_build(int leader, int signal) {
    for (const int pid : build_processes(read_process_table(), leader, ::getpid())) ::kill(pid, signal);
}

void wait_for_build_end(int leader, std::chrono::steady_clock::time_point deadline) {
    while (std::chrono::steady_clock::now() < deadline &&
           !build_processes(read_process_table(), leader, ::getpid()).empty()) {
        std::this_thread::sleep_for(k_gone_poll);
    }
}

// Takes back the exit status of what the helper adopted as a subreaper, so that nothing stays a zombie.
// Only once the executor itself has been waited for: this would take its status too.
void reap_adopted() {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

}  // namespace

Expected<Streamed> SystemProcessRunner::stream(const Argv& argv, const StreamHandlers& handlers) {
    if (const auto signal = cancel_signal(); signal != 0) return Error::cancelled(signal);
    auto path = locate(argv);
    if (!path) return path.error();
    const bool own_session = handlers.stop_grace.has_value();
    // A Kaniko RUN runs in a process group of its own and outlives an executor that was signalled; as
    // its subreaper the helper keeps what it orphans among its own descendants.
    if (own_session) ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    try {
        auto output = private_pipe();
        bp::child child(*path, bp::args(arguments_of(argv)), bp::std_in < bp::null, (bp::std_out & bp::std_err) > output,
                        bp::extend::on_exec_setup([own_session](auto&) {
                            if (own_session) ::setsid();
                        }));
        handlers.on_start(child.id());
        // Our copy of the write end must go, or the pipe never reports end of file.
        ::close(output.native_sink());
        output.assign_sink(-1);

        Streamed result;
        std::vector<char> buffer(64 * 1024);  // a full pipe in one read
        const int signal_fd = m_signals != nullptr ? m_signals->fd() : -1;
        std::optional<std::chrono::steady_clock::time_point> kill_at;
        std::optional<std::chrono::steady_clock::time_point> stop_reading_at;
        const auto deliver_signal = [&] {
            if (result.signal != 0 || m_signals == nullptr || m_signals->received() == 0) return;
            result.signal = m_signals->received();
            // on_signal first: the credentials go before anything is waited for.
            handlers.on_signal(result.signal);
            if (own_session) {
                signal_build(child.id(), SIGTERM);
                kill_at = std::chrono::steady_clock::now() + *handlers.stop_grace;
            }
        };
        const auto kill_build = [&] {
            signal_build(child.id(), SIGKILL);
            kill_at.reset();
        };
        deliver_signal();  // a signal may have come before the child started
        constexpr auto tick = std::chrono::seconds(1);
        auto next_tick = std::chrono::steady_clock::now() + tick;
        for (;;) {
            const auto now = std::chrono::steady_clock::now();
            if (now >= next_tick) {
                handlers.on_tick();
                next_tick = now + tick;
            }
            if (kill_at && now >= *kill_at) {
                kill_build();
                stop_reading_at = now + k_read_after_kill;
            }
            if (stop_reading_at && now >= *stop_reading_at) break;
            auto wake = next_tick;
            if (kill_at) wake = std::min(wake, *kill_at);
            if (stop_reading_at) wake = std::min(wake, *stop_reading_at);
            const auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake - std::chrono::steady_clock::now());
            pollfd fds[2] = {{output.native_source(), POLLIN, 0}, {signal_fd, POLLIN, 0}};
            const int ready = ::poll(fds, signal_fd >= 0 && result.signal == 0 ? 2 : 1,
                                     static_cast<int>(std::max<std::int64_t>(wait.count(), 0)));
            if (ready < 0) {
                if (errno == EINTR) continue;
                break;
            }
            if (fds[1].revents & POLLIN) deliver_signal();
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                const auto n = ::read(output.native_source(), buffer.data(), buffer.size());
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
                handlers.on_output(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
            }
        }
        // A signal sent to the whole process group can end the child before our handler has run:
        // the child's end of file then wins the race, and the signal must still count.
        deliver_signal();
        if (own_session && result.signal != 0) {
            // The output has ended, but a process that let it go may still run: it has the rest of
            // the grace period to end, and is killed then. A killed process takes a moment to go.
            if (kill_at) {
                wait_for_build_end(child.id(), *kill_at);
                kill_build();
            }
            wait_for_build_end(child.id(), std::chrono::steady_clock::now() + k_read_after_kill);
        }
        child.wait();
        deliver_signal();  // the same race, for a child that ended without closing its output first
        result.exit_code = decode_status(child.native_exit_code());
        if (own_session) {
            reap_adopted();
            ::prctl(PR_SET_CHILD_SUBREAPER, 0);
        }
        return result;
    } catch (const std::exception& e) {
        if (own_session) ::prctl(PR_SET_CHILD_SUBREAPER, 0);
        return Error::failure(fmt::format("could not run {}: {}", argv.front(), e.what()));
    }
}

}  // namespace kaniko
