#pragma once

namespace kaniko {

// Turns SIGTERM, SIGINT and SIGHUP into bytes on a pipe (the self-pipe trick), so that the loop
// reading a child's output can wait on the child and on cancellation with one poll(). The agent
// cancels a job by signalling the hook's whole process group, then SIGKILLs after a grace period.
// Only one may exist at a time; the previous dispositions come back when it goes.
class SignalWatch {
public:
    SignalWatch();
    ~SignalWatch();
    SignalWatch(const SignalWatch&) = delete;
    SignalWatch& operator=(const SignalWatch&) = delete;

    int fd() const;
    // The first signal received so far, or 0; reading it does not consume it.
    int received() const;
};

}  // namespace kaniko
