// The only file that includes Boost.Process: it is slow to compile.
#include "util/process.hpp"

#include <boost/process.hpp>
#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>

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

}  // namespace

std::string find_program(std::string_view program) {
    if (program.find('/') != std::string_view::npos) {
        return ::access(std::string(program).c_str(), X_OK) == 0 ? std::string(program) : std::string();
    }
    return bp::search_path(std::string(program)).string();
}

Expected<Captured> SystemProcessRunner::capture(const Argv& argv, std::string_view input, Stderr stderr_mode) {
    auto path = locate(argv);
    if (!path) return path.error();
    try {
        bp::opstream to_child;
        bp::ipstream from_child;
        auto child = stderr_mode == Stderr::discard
                         ? bp::child(*path, bp::args(arguments_of(argv)), bp::std_in < to_child,
                                     bp::std_out > from_child, bp::std_err > bp::null)
                         : bp::child(*path, bp::args(arguments_of(argv)), bp::std_in < to_child,
                                     bp::std_out > from_child);
        // Inputs here are small (a token, an annotation): write all, close, then read.
        to_child << input;
        to_child.flush();
        to_child.pipe().close();
        Captured result;
        result.output.assign(std::istreambuf_iterator<char>(from_child), std::istreambuf_iterator<char>());
        child.wait();
        result.exit_code = decode_status(child.native_exit_code());
        return result;
    } catch (const std::exception& e) {
        return Error::failure(fmt::format("could not run {}: {}", argv.front(), e.what()));
    }
}

Expected<Streamed> SystemProcessRunner::stream(const Argv& argv, const StreamHandlers& handlers) {
    auto path = locate(argv);
    if (!path) return path.error();
    try {
        bp::pipe output;
        bp::child child(*path, bp::args(arguments_of(argv)), bp::std_in < bp::null,
                        (bp::std_out & bp::std_err) > output);
        // Our copy of the write end must go, or the pipe never reports end of file.
        ::close(output.native_sink());
        output.assign_sink(-1);

        Streamed result;
        std::string pending;
        const int signal_fd = m_signals != nullptr ? m_signals->fd() : -1;
        const auto deliver_signal = [&] {
            if (result.signal != 0 || m_signals == nullptr || m_signals->received() == 0) return;
            result.signal = m_signals->received();
            handlers.on_signal(result.signal);
        };
        deliver_signal();  // a signal may have come before the child started
        constexpr auto tick = std::chrono::seconds(1);
        auto next_tick = std::chrono::steady_clock::now() + tick;
        for (;;) {
            if (const auto now = std::chrono::steady_clock::now(); now >= next_tick) {
                handlers.on_tick();
                next_tick = now + tick;
            }
            const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_tick - std::chrono::steady_clock::now());
            pollfd fds[2] = {{output.native_source(), POLLIN, 0}, {signal_fd, POLLIN, 0}};
            const int ready = ::poll(fds, signal_fd >= 0 && result.signal == 0 ? 2 : 1,
                                     static_cast<int>(std::max<std::int64_t>(wait.count(), 0)));
            if (ready < 0) {
                if (errno == EINTR) continue;
                break;
            }
            if (fds[1].revents & POLLIN) deliver_signal();
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buffer[8192];
                const auto n = ::read(output.native_source(), buffer, sizeof buffer);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
                pending.append(buffer, static_cast<std::size_t>(n));
                std::size_t start = 0;
                for (auto newline = pending.find('\n'); newline != std::string::npos;
                     newline = pending.find('\n', start)) {
                    handlers.on_line(std::string_view(pending).substr(start, newline - start));
                    start = newline + 1;
                }
                pending.erase(0, start);
            }
        }
        if (!pending.empty()) handlers.on_line(pending);
        child.wait();
        // A signal sent to the whole process group can end the child before our handler has run:
        // the child's end of file then wins the race, and the signal must still count.
        deliver_signal();
        result.exit_code = decode_status(child.native_exit_code());
        return result;
    } catch (const std::exception& e) {
        return Error::failure(fmt::format("could not run {}: {}", argv.front(), e.what()));
    }
}

}  // namespace kaniko
