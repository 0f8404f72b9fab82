#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "util/log_relay.hpp"

using namespace kaniko;

namespace {
struct Recorded {
    std::vector<std::string> writes;
    std::string all() const {
        std::string out;
        for (const auto& write : writes) out += write;
        return out;
    }
};

LogRelay relay_into(Recorded& recorded) {
    return LogRelay([&](std::string_view text) { recorded.writes.emplace_back(text); });
}
}  // namespace

TEST_CASE("relay: complete lines go on at once, in one write per read", "[relay]") {
    Recorded out;
    auto relay = relay_into(out);
    relay.feed("one\ntwo\nthr");
    REQUIRE(out.writes == std::vector<std::string>{"one\ntwo\n"});
    relay.feed("ee\n");
    CHECK(out.writes.back() == "three\n");
    relay.feed("no newline");
    relay.finish();
    CHECK(out.all() == "one\ntwo\nthree\nno newline");
}

TEST_CASE("relay: secrets are masked, also when a read splits them", "[relay]") {
    Recorded out;
    auto relay = relay_into(out);
    relay.mask({"s3cr3t-token"});
    relay.feed("auth s3cr3t-");
    relay.feed("token here\nand s3cr3t-token again\n");
    relay.finish();
    CHECK(out.all() == "auth [REDACTED] here\nand [REDACTED] again\n");
}

TEST_CASE("relay: a line longer than the hold limit goes on in pieces, masked across them", "[relay]") {
    Recorded out;
    auto relay = relay_into(out);
    const std::string secret = "SECRET-" + std::string(50, 'k');
    relay.mask({secret});
    // The secret straddles the point where the relay must let go of the first piece.
    const std::string before(LogRelay::k_hold_limit + 10 - 20, 'a');
    relay.feed(before + secret.substr(0, 20));
    REQUIRE_FALSE(out.writes.empty());
    for (const auto& write : out.writes) CHECK(write.find("SECRET-") == std::string::npos);
    relay.feed(secret.substr(20) + "bbb");
    for (int i = 0; i < 40; ++i) relay.feed(std::string(10000, 'c'));  // 400 KB more of the same line
    relay.finish();
    const auto all = out.all();
    CHECK(all == before + "[REDACTED]bbb" + std::string(400000, 'c'));
    CHECK(out.writes.size() > 3);
    for (const auto& write : out.writes) CHECK(write.size() <= 2 * LogRelay::k_hold_limit);
}

TEST_CASE("relay: the last lines are kept for the failure report, masked and cut", "[relay]") {
    Recorded out;
    auto relay = relay_into(out);
    relay.mask({"hunter2-password"});
    for (int i = 0; i < 100; ++i) relay.feed("line " + std::to_string(i) + "\n");
    relay.feed("login with hunter2-password\r\n" + std::string(5000, 'x') + "\n");
    relay.finish();
    const auto lines = relay.last_lines(3);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "line 99");
    CHECK(lines[1] == "login with [REDACTED]");
    CHECK(lines[2] == std::string(1000, 'x') + " [...]");
}

TEST_CASE("relay: a secret inside a longer form is masked as the longer form", "[relay]") {
    Recorded out;
    auto relay = relay_into(out);
    relay.mask({"c2VjcmV0", "YnVpbGRraXRlOmc2VjcmV0Xx=="});
    relay.feed("auth YnVpbGRraXRlOmc2VjcmV0Xx== and c2VjcmV0\n");
    CHECK(out.all() == "auth [REDACTED] and [REDACTED]\n");
}
