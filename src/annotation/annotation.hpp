#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "annotation/kaniko_log.hpp"
#include "config/config.hpp"

namespace kaniko {

// One platform's image in an index.
struct PlatformDigest {
    std::string platform;  // linux/arm64
    std::string digest;
};

// What a signed image can be verified by: the certificate's identity and issuer, and where cosign
// finds the signature (and the attestation).
struct SignedImage {
    std::string identity;  // the certificate's subject alternative name
    std::string issuer;    // the token's issuer
    std::string signature;
    std::optional<std::string> attestation;
    bool logged = false;  // recorded in the transparency log
};

// The `cosign verify` (or, with an attestation, `verify-attestation`) command that checks `pinned`.
std::string verify_command(const SignedImage& signed_image, std::string_view pinned, bool attestation);

struct SuccessReport {
    std::string repository;  // registry/image
    std::vector<std::string> destinations;
    std::string digest;
    bool pushed = true;
    std::chrono::seconds elapsed{};
    bool skipped = false;  // every tag existed already: skip-if-exists
    std::vector<PlatformDigest> platforms = {};  // for an index: its children
    std::optional<SignedImage> signed_image = {};
};

struct FailureReport {
    std::string repository;
    std::vector<std::string> destinations;
    int exit_code = 1;
    std::vector<std::string> tail;  // the executor's last lines, secrets already masked
    KanikoFailure kaniko;           // what those lines say failed
    Auth auth = Auth::oidc;
    std::string audience;
    std::string executor_image;
    std::chrono::seconds elapsed{};
};

// The registry refused the credentials before the executor started.
struct RefusalReport {
    std::string detail;  // which URL answered what
    Auth auth = Auth::oidc;
    std::string audience;
    std::string registry_host;
};

std::string success_annotation(const SuccessReport& report);
std::string refusal_advice(const RefusalReport& report);  // plain text, for the log and the error

// Any other failure of the helper's own (pre-flight, verification, a missing digest): its message.
std::string error_annotation(const std::string& repository, const std::string& message, std::chrono::seconds elapsed);
// Leads with what failed: the RUN, its stage, its exit status and its own output, then Kaniko's error
// line; for a failure elsewhere, the error line and the hint; the tail when Kaniko said neither.
std::string failure_annotation(const FailureReport& report);

// One line for the job log naming the RUN that failed, when one did.
std::optional<std::string> failed_instruction_line(const KanikoFailure& failure);

// Advice for the failures users hit most, recognised from the executor's output: plain text, with
// names in backticks (the annotation makes them code).
std::optional<std::string> failure_hint(const FailureReport& report);

// `text` without terminal escape sequences (colours, cursor moves, titles).
std::string strip_terminal_escapes(std::string_view text);

std::string format_duration(std::chrono::seconds elapsed);

}  // namespace kaniko
