#include "util/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <stdexcept>

namespace kaniko {

namespace {

constexpr std::array k_watched{SIGTERM, SIGINT, SIGHUP};
int g_pipe[2] = {-1, -1};
volatile std::sig_atomic_t g_received = 0;
std::array<struct sigaction, k_watched.size()> g_previous{};

extern "C" void on_signal(int signal) {
    if (g_received == 0) g_received = signal;
    const unsigned char byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] const auto ignored = ::write(g_pipe[1], &byte, 1);
}

}  // namespace

SignalWatch::SignalWatch() {
    if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("cannot create the signal pipe");
    g_received = 0;
    for (std::size_t i = 0; i < k_watched.size(); ++i) {
        struct sigaction action {};
        action.sa_handler = on_signal;
        action.sa_flags = SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(k_watched[i], &action, &g_previous[i]);
    }
}

SignalWatch::~SignalWatch() {
    for (std::size_t i = 0; i < k_watched.size(); ++i) sigaction(k_watched[i], &g_previous[i], nullptr);
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

int SignalWatch::fd() const { return g_pipe[0]; }

int SignalWatch::received() const { return g_received; }

}  // namespace kaniko
