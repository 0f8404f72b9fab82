#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kaniko {

// Exit codes the helper documents. An executor's own exit code passes through unchanged, so that a
// pipeline's `retry` and `soft_fail` rules see what the Dockerfile's RUN step returned.
inline constexpr int k_exit_failure = 1;
inline constexpr int k_exit_invalid_config = 2;

// The one error type: a message a user can act on, and the exit code the step should end with.
struct Error {
    std::string message;
    int exit_code = k_exit_failure;

    // `<attribute>: <value as JSON> <problem>`, one line whatever the value holds.
    static Error invalid_attribute(std::string_view attribute, std::string_view value, std::string_view allowed);
    static Error invalid_config(std::string message);
    static Error failure(std::string message, int exit_code = k_exit_failure);
    // The job was cancelled: exit 128 + signal, and the same line wherever the signal landed.
    static Error cancelled(int signal);
    bool is_cancellation() const { return exit_code > 128; }
};

// Quotes text as a JSON string so that a value with newlines or control bytes still prints on one line;
// a long one is cut, with its length noted.
std::string quote_value(std::string_view text);
// A long text cut, with its length noted, for a message.
std::string abbreviated(std::string_view text);

// A value or the Error that prevented it; expected failures travel as values, never as exceptions.
template <class T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Expected(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

    explicit operator bool() const { return m_state.index() == 0; }
    T& operator*() & { return std::get<0>(m_state); }
    const T& operator*() const& { return std::get<0>(m_state); }
    T&& operator*() && { return std::get<0>(std::move(m_state)); }
    T* operator->() { return &std::get<0>(m_state); }
    const T* operator->() const { return &std::get<0>(m_state); }
    const Error& error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

struct Ok {};
using Status = Expected<Ok>;

}  // namespace kaniko
