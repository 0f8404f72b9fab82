#include "annotation/annotation.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/shell.hpp"

namespace kaniko {

namespace {

// Annotations are rendered as Markdown with HTML; anything from the build goes in escaped.
std::string escape_html(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                   std::tolower(static_cast<unsigned char>(b)); }) != haystack.end();
}

bool any_line_contains(const std::vector<std::string>& lines, std::string_view needle) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) { return contains(line, needle); });
}

// Plain text with `names` in backticks, as the log shows it, made HTML for an annotation.
std::string html_from_text(std::string_view text) {
    std::string out;
    bool in_code = false;
    for (const char c : escape_html(text)) {
        if (c == '`') {
            out += in_code ? "</code>" : "<code>";
            in_code = !in_code;
        } else {
            out += c;
        }
    }
    if (in_code) out += "</code>";
    return out;
}

std::string code_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += fmt::format("<li><code>{}</code></li>", escape_html(item));
    return out;
}

}  // namespace

std::string format_duration(std::chrono::seconds elapsed) {
    const auto total = elapsed.count();
    if (total < 60) return fmt::format("{}s", total);
    if (total < 3600) return fmt::format("{}m {:02}s", total / 60, total % 60);
    return fmt::format("{}h {:02}m", total / 3600, total % 3600 / 60);
}

std::string success_annotation(const SuccessReport& report) {
    const auto pinned = fmt::format("{}@{}", report.repository, report.digest);
    const bool index = !report.platforms.empty();
    const auto verb = report.skipped ? "Found" : report.pushed ? "Pushed" : "Built";
    std::string body = fmt::format("<h4>:kaniko: {}{} <code>{}</code> in {}</h4>\n", verb, index ? " the index of" : "",
                                   escape_html(report.repository), format_duration(report.elapsed));
    const auto tags_label = report.skipped ? (index ? "Every tag holds this index already, so it was not pushed again "
                                                      "(skip-if-exists); tags:"
                                                    : "Every tag exists already, so the build was skipped "
                                                      "(skip-if-exists); tags:")
                            : report.pushed ? "Tags:"
                                            : "Built without pushing; tags:";
    body += fmt::format("<p>{}</p><ul>{}</ul>\n", tags_label, code_list(report.destinations));
    body += fmt::format("<p>{}: <code>{}</code></p>\n", index ? "Index digest" : "Digest", escape_html(report.digest));
    if (index) {
        std::string rows;
        for (const auto& [platform, digest] : report.platforms) {
            rows += fmt::format("<li><code>{}</code> <code>{}</code></li>", escape_html(platform), escape_html(digest));
        }
        body += fmt::format("<p>Platforms:</p><ul>{}</ul>\n", rows);
    }
    if (report.pushed) body += fmt::format("<pre><code>docker pull {}</code></pre>\n", escape_html(pinned));
    if (const auto& signed_image = report.signed_image) {
        body += fmt::format("<p>Signed with this job's identity <code>{}</code>{}: <code>{}</code></p>\n",
                            escape_html(signed_image->identity),
                            signed_image->logged ? ", recorded in the transparency log" : "",
                            escape_html(signed_image->signature));
        body += fmt::format("<pre><code>{}</code></pre>\n", escape_html(verify_command(*signed_image, pinned, false)));
        if (signed_image->attestation) {
            body += fmt::format("<p>SLSA provenance: <code>{}</code></p>\n<pre><code>{}</code></pre>\n",
                                escape_html(*signed_image->attestation),
                                escape_html(verify_command(*signed_image, pinned, true)));
        }
    }
    return body;
}

std::string verify_command(const SignedImage& signed_image, std::string_view pinned, bool attestation) {
    return fmt::format("cosign {} --certificate-identity {} --certificate-oidc-issuer {}{} {}",
                       attestation ? "verify-attestation --type slsaprovenance1" : "verify",
                       shell_quote(signed_image.identity), shell_quote(signed_image.issuer),
                       signed_image.logged ? "" : " --insecure-ignore-tlog", shell_quote(pinned));
}

std::optional<std::string> failure_hint(const FailureReport& report) {
    // Docker's own failures (125) come before the executor could print anything of its own.
    if (report.exit_code == 125 && (any_line_contains(report.tail, "Unable to find image") ||
                                    any_line_contains(report.tail, "pull access denied"))) {
        return fmt::format("Docker could not pull the executor image `{}`. Point `kaniko-image` (or `KANIKO_IMAGE`) at "
                           "a copy this agent can pull.",
                           report.executor_image);
    }
    if (any_line_contains(report.tail, "Invalid 'aud' claim") || any_line_contains(report.tail, "invalid aud")) {
        return fmt::format("The registry rejected the token's audience `{}`. Check the package registry's OIDC policy "
                           "in Buildkite (it must be set up for this ecosystem and allow this pipeline), and set "
                           "`oidc-audience` if the registry expects another URL.",
                           report.audience);
    }
    const bool denied = any_line_contains(report.tail, "unauthorized") || any_line_contains(report.tail, "forbidden") ||
                        any_line_contains(report.tail, "denied") || any_line_contains(report.tail, "401 ") ||
                        any_line_contains(report.tail, "403 ");
    if (!denied) return std::nullopt;
    if (report.auth == Auth::oidc) {
        return fmt::format("The registry refused the credentials (401/403). The OIDC audience must be exactly `{}`, "
                           "the registry URL, and the package registry's OIDC policy must allow this pipeline.",
                           report.audience);
    }
    return std::string("The registry refused the credentials (401/403). Check the agent's Docker config "
                       "(`docker login` or a credential helper) for this registry.");
}

std::string strip_terminal_escapes(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\x1b') {
            out += text[i];
            continue;
        }
        if (i + 1 >= text.size()) break;
        const char kind = text[++i];
        if (kind == '[') {  // CSI: parameters and intermediates, then one final byte in @ to ~
            while (i + 1 < text.size() && !(text[i + 1] >= '@' && text[i + 1] <= '~')) ++i;
            ++i;
        } else if (kind == ']') {  // OSC: up to BEL or ESC backslash
            while (i + 1 < text.size() && text[i + 1] != '\a' && text[i + 1] != '\x1b') ++i;
            ++i;
            if (i < text.size() && text[i] == '\x1b') ++i;
        } else {  // ESC, intermediates (space to /), then one final byte: ESC ( B, ESC =, ...
            while (i < text.size() && text[i] >= ' ' && text[i] <= '/') ++i;
        }
    }
    return out;
}

std::optional<std::string> failed_instruction_line(const KanikoFailure& failure) {
    if (!failure.instruction) return std::nullopt;
    const auto status = failure.exit_status ? fmt::format(" with exit status {}", *failure.exit_status) : "";
    const auto where = failure.stage.empty() ? std::string() : " in " + failure.stage;
    return fmt::format("`{}`{} failed{}", *failure.instruction, where, status);
}

std::string failure_annotation(const FailureReport& report) {
    std::string body = fmt::format("<h4>:kaniko: Building <code>{}</code> failed with exit code {} after {}</h4>\n",
                                   escape_html(report.repository), report.exit_code, format_duration(report.elapsed));
    // The job log renders Kaniko's colours; an annotation would show their codes as text.
    const auto preformatted = [](const std::vector<std::string>& lines) {
        std::string text;
        for (const auto& line : lines) text += escape_html(strip_terminal_escapes(line)) + "\n";
        return fmt::format("<pre><code>{}</code></pre>\n", text);
    };
    const auto& kaniko = report.kaniko;
    if (const auto failed = failed_instruction_line(kaniko)) {
        body += fmt::format("<p>{}.</p>\n", html_from_text(*failed));
        if (!kaniko.output.empty()) body += "<p>Its output:</p>\n" + preformatted(kaniko.output);
        if (const auto hint = failure_hint(report)) body += fmt::format("<p>{}</p>\n", html_from_text(*hint));
        return body + preformatted({*kaniko.error});
    }
    if (const auto hint = failure_hint(report)) body += fmt::format("<p>{}</p>\n", html_from_text(*hint));
    if (kaniko.error) return body + preformatted({*kaniko.error});
    if (!report.tail.empty()) body += "<p>Last lines of the executor's output:</p>\n" + preformatted(report.tail);
    return body;
}

std::string refusal_advice(const RefusalReport& report) {
    switch (report.auth) {
    case Auth::oidc:
        return fmt::format("The OIDC audience must be exactly {} (the registry's URL), and the registry's OIDC policy "
                           "must allow this pipeline.",
                           report.audience);
    case Auth::docker_config:
        return fmt::format("Check the agent's Docker config for {} (docker login, or its credential helper).",
                           report.registry_host);
    case Auth::none:
        return "The registry wants credentials: use auth: oidc or auth: docker-config.";
    }
    return {};
}

std::string error_annotation(const std::string& repository, const std::string& message, std::chrono::seconds elapsed) {
    return fmt::format("<h4>:kaniko: Building <code>{}</code> failed after {}</h4>\n<p>{}</p>\n",
                       escape_html(repository), format_duration(elapsed), escape_html(message));
}

}  // namespace kaniko
