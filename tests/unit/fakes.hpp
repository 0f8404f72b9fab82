#pragma once

#include <chrono>
#include <deque>
#include <thread>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "registry/http.hpp"
#include "util/process.hpp"

namespace kaniko::testing {

// Records every command instead of running it, and answers from a script (exit 0, no output, by default).
class RecordingRunner final : public ProcessRunner {
public:
    struct Call {
        Argv argv;
        std::string input;
    };
    std::vector<Call> calls;
    std::function<Captured(const Call&)> answer = [](const Call&) { return Captured{}; };
    std::vector<std::string> executor_output;
    int executor_exit = 0;
    int executor_ticks = 0;  // on_tick calls while the "executor" runs
    std::chrono::milliseconds on_tick_delay{0};  // how long the "executor" has run at each tick
    std::function<void(const Argv&)> on_stream = [](const Argv&) {};

    Expected<Captured> capture(const Argv& argv, std::string_view input, Stderr, OnCancel) override {
        calls.push_back({argv, std::string(input)});
        return answer(calls.back());
    }

    Expected<Streamed> stream(const Argv& argv, const StreamHandlers& handlers) override {
        calls.push_back({argv, {}});
        for (int i = 0; i < executor_ticks; ++i) {
            std::this_thread::sleep_for(on_tick_delay);
            handlers.on_tick();
        }
        on_stream(argv);
        for (const auto& line : executor_output) handlers.on_output(line + "\n");
        return Streamed{executor_exit, 0};
    }
};

// Answers HTTP requests from a script and remembers every request: the registry protocol without a network.
class ScriptedHttp final : public HttpClient {
public:
    std::deque<Expected<HttpResponse>> answers;
    std::vector<HttpRequest> requests;

    Expected<HttpResponse> send(const HttpRequest& request) override {
        requests.push_back(request);
        REQUIRE_FALSE(answers.empty());
        auto answer = answers.front();
        answers.pop_front();
        return answer;
    }
};

}  // namespace kaniko::testing
