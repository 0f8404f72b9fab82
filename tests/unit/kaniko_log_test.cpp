#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "annotation/kaniko_log.hpp"

using namespace kaniko;

namespace {

std::string logged(std::string_view level, std::string_view message) {
    const auto colour = level == "ERRO" ? "31" : "36";
    return fmt::format("\x1b[{}m{}\x1b[0m[2026-12-01T10:00:00Z] {:<44} ", colour, level, message);
}
std::string info(std::string_view message) { return logged("INFO", message); }

const std::string k_run_error =
    "error building image: error building stage: failed to execute command: waiting for process to exit: exit status ";

}  // namespace

TEST_CASE("kaniko log: the failed RUN of a multi-stage build, its stage and its own output", "[kaniko_log]") {
    const auto failure = read_kaniko_failure({
        info("Resolved base name of builder to base.example/busybox:1"),
        info("Building stage 'base.example/busybox:1' [idx: '0', base-idx: '-1']"),
        info("No cached layer found for cmd RUN echo one"),
        info("RUN echo one"),
        info("Running: [/bin/sh -c echo one]"),
        "one",
        info("Taking snapshot of full filesystem..."),
        info("Saving file out for later use"),
        info("Building stage 'base.example/alpine:3' [idx: '1', base-idx: '-1']"),
        info("COPY --from=builder /out /app"),
        info("RUN ./configure && make"),
        info("Cmd: /bin/sh"),
        info("Running: [/bin/sh -c ./configure && make]"),
        "checking for gcc... gcc",
        info("credential providers by priority: [file:/kaniko/.docker/config.json]"),
        "ld: cannot find -lssl\r",
        k_run_error + "1",
    });
    REQUIRE(failure.instruction);
    CHECK(*failure.instruction == "RUN ./configure && make");
    CHECK(failure.stage == "stage 1 (FROM base.example/alpine:3)");
    CHECK(failure.exit_status == 1);
    // Kaniko's own lines that came in between are not the RUN's.
    CHECK(failure.output == std::vector<std::string>{"checking for gcc... gcc", "ld: cannot find -lssl"});
    CHECK(failure.error == k_run_error + "1");
}

TEST_CASE("kaniko log: a RUN that exits 127 after an earlier one succeeded", "[kaniko_log]") {
    const auto failure = read_kaniko_failure({
        info("Building stage 'b:1' [idx: '0', base-idx: '-1']"),
        info("RUN echo step-one"),
        info("Running: [/bin/sh -c echo step-one]"),
        "step-one",
        info("RUN no-such-command --version"),
        info("Running: [/bin/sh -c no-such-command --version]"),
        "/bin/sh: no-such-command: not found",
        k_run_error + "127",
    });
    REQUIRE(failure.instruction);
    CHECK(*failure.instruction == "RUN no-such-command --version");
    CHECK(failure.exit_status == 127);
    CHECK(failure.output == std::vector<std::string>{"/bin/sh: no-such-command: not found"});
}

TEST_CASE("kaniko log: a failure outside a RUN names no instruction", "[kaniko_log]") {
    const std::string copy_error =
        "error building image: failed to optimize instructions: failed to get files used from context: failed to get "
        "fileinfo for /workspace/static: lstat /workspace/static: no such file or directory";
    const auto copy = read_kaniko_failure({
        info("Building stage 'b:1' [idx: '0', base-idx: '-1']"),
        info("RUN true"),
        info("Running: [/bin/sh -c true]"),
        info("No cached layer found for cmd WORKDIR /srv"),
        copy_error,
    });
    CHECK_FALSE(copy.instruction);
    CHECK(copy.output.empty());
    CHECK(copy.error == copy_error);

    const auto base = read_kaniko_failure({
        info("Retrieving image manifest r.example/missing:3"),
        logged("ERRO", "Error while retrieving image from cache: r.example/missing:3 MANIFEST_UNKNOWN"),
        "error building image: GET https://r.example/v2/missing/manifests/3: MANIFEST_UNKNOWN: manifest unknown",
    });
    CHECK_FALSE(base.instruction);
    CHECK(base.error == "error building image: GET https://r.example/v2/missing/manifests/3: MANIFEST_UNKNOWN: manifest "
                        "unknown");
}

TEST_CASE("kaniko log: output that is not Kaniko's says nothing", "[kaniko_log]") {
    const auto failure = read_kaniko_failure({"docker: Error response from daemon: pull access denied.", "", "]"});
    CHECK_FALSE(failure.error);
    CHECK_FALSE(failure.instruction);
    CHECK(read_kaniko_failure({}).output.empty());
}
