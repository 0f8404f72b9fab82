#pragma once

#include <chrono>
#include <ctime>
#include <deque>
#include <map>
#include <thread>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "buildkite/agent.hpp"
#include "registry/http.hpp"
#include "util/base64.hpp"
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
    int cancelled = 0;  // the signal cancel_signal() reports

    int cancel_signal() const override { return cancelled; }

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

// An agent that hands out a JWT for whatever audience it is told to, and remembers what it was asked.
class FakeAgent final : public Agent {
public:
    std::string issued_audience;  // empty: the audience asked for
    std::vector<std::string> tokens;
    std::function<void(int)> before_token = [](int) {};
    std::vector<std::string> annotations;
    std::map<std::string, std::string> meta_data;

    Expected<std::string> request_token(std::string_view audience, int lifetime) override {
        before_token(static_cast<int>(tokens.size()) + 1);
        const auto aud = issued_audience.empty() ? std::string(audience) : issued_audience;
        const auto exp = std::time(nullptr) + lifetime;
        tokens.push_back(base64_encode(R"({"alg":"RS256"})") + "." +
                         base64_encode(R"({"iss":"https://agent.buildkite.com","sub":"organization:acme:pipeline:app","aud":")" +
                              aud + R"(","exp":)" + std::to_string(exp) +
                                       R"(,"n":)" + std::to_string(tokens.size()) + "}") +
                         ".sig");
        return tokens.back();
    }
    std::vector<std::string> redacted;
    Status redact(const std::vector<std::string>& secrets) override {
        redacted.insert(redacted.end(), secrets.begin(), secrets.end());
        return Ok{};
    }
    Status annotate(std::string_view body, AnnotationStyle style, std::string_view) override {
        annotations.push_back(std::string(to_string(style)) + ": " + std::string(body));
        return Ok{};
    }
    Status set_meta_data(const MetaData& values) override {
        for (const auto& [key, value] : values) meta_data[key] = value;
        return Ok{};
    }
    Expected<std::vector<std::optional<std::string>>> get_meta_data(const std::vector<std::string>& keys) override {
        std::vector<std::optional<std::string>> values;
        for (const auto& key : keys) {
            const auto found = meta_data.find(key);
            values.push_back(found == meta_data.end() ? std::nullopt : std::optional<std::string>(found->second));
        }
        return values;
    }
};

}  // namespace kaniko::testing
