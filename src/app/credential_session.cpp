#include "app/credential_session.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <ostream>

#include "app/preconditions.hpp"
#include "buildkite/agent.hpp"
#include "buildkite/oidc.hpp"
#include "plan/docker_config.hpp"
#include "plan/plan.hpp"
#include "registry/reference.hpp"
#include "util/files.hpp"
#include "util/log_relay.hpp"
#include "util/secrets.hpp"

namespace kaniko {

namespace {

constexpr std::chrono::seconds k_refresh_retry{10};
// What a local build records in its private directory, for pre-exit after a kill: the config.json it
// wrote, and what that file held before.
constexpr std::string_view k_target_record = "docker-config-target";
constexpr std::string_view k_original_record = "docker-config-original";

std::string record_path(const std::string& private_dir, std::string_view record) {
    return fmt::format("{}/{}", private_dir, record);
}

// Puts `original` back at `target`, or removes `target` when there was nothing before.
Status put_back_file(const std::string& target, const std::optional<std::string>& original) {
    if (original) return replace_private_file(target, *original);
    if (std::remove(target.c_str()) != 0 && errno != ENOENT) {
        return Error::failure(fmt::format("could not remove {}: {}", target, std::strerror(errno)));
    }
    return Ok{};
}

std::vector<std::string> forms_of(const std::vector<Secret>& secrets) {
    std::vector<std::string> forms;
    for (const auto& secret : secrets) {
        auto more = secret_forms(secret);
        forms.insert(forms.end(), more.begin(), more.end());
    }
    return forms;
}

}  // namespace

Status protect(const BuildEnvironment& edges, LogRelay& relay, const std::vector<Secret>& secrets) {
    return edges.agent.redact(relay.mask(forms_of(secrets)));
}

Expected<std::unique_ptr<CredentialSession>> CredentialSession::open(const BuildPlan& plan,
                                                                     const BuildEnvironment& edges, LogRelay& relay,
                                                                     const std::string& private_dir, For use) {
    std::unique_ptr<CredentialSession> session(new CredentialSession(plan, edges, relay, use));
    if (auto issued = session->issue(private_dir); !issued) return issued.error();
    return session;
}

CredentialSession::~CredentialSession() { put_back(); }

// The agent's redactor is for what runs beside the helper and could print a secret. Credentials for
// the helper alone reach no other process, and what the helper prints never holds them.
Status CredentialSession::keep_secret(const std::vector<Secret>& secrets) {
    if (m_use == For::executor) return protect(m_edges, m_relay, secrets);
    m_relay.mask(forms_of(secrets));
    return Ok{};
}

// The private directory that holds config.json for `docker run` to mount read-only.
Status CredentialSession::make_mount_dir(const std::string& private_dir) {
    m_config_dir = private_dir + "/docker";
    m_mount_dir = m_config_dir;
    return make_private_dir(*m_config_dir);
}

std::string CredentialSession::config_path() const { return *m_config_dir + "/config.json"; }

Status CredentialSession::issue(const std::string& private_dir) {
    if (m_plan.auth == Auth::none) return Ok{};
    if (m_plan.auth == Auth::docker_config) return use_docker_config(private_dir);
    const bool local = m_plan.executor == ExecutorKind::local && m_use == For::executor;
    if (local) {
        m_config_dir = m_plan.local_docker_config_dir;
        std::error_code ec;
        std::filesystem::create_directories(*m_config_dir, ec);
        m_replaced = read_text_file(config_path());
        // Recorded before anything is written: a kill at any point after leaves pre-exit the way back.
        if (auto recorded = write_private_file(record_path(private_dir, k_target_record), config_path()); !recorded) {
            return recorded;
        }
        if (m_replaced) {
            if (auto recorded = write_private_file(record_path(private_dir, k_original_record), *m_replaced);
                !recorded) {
                return recorded;
            }
            if (auto kept = keep_secret(secrets_in_docker_config(*m_replaced)); !kept) return kept;
        }
    } else if (m_use == For::executor) {
        if (auto made = make_mount_dir(private_dir); !made) return made;
    }
    fmt::print(m_edges.log, "kaniko: requesting an OIDC token for {} (lifetime {}s)\n", m_plan.oidc_audience,
               m_plan.oidc_lifetime);
    auto token = m_edges.agent.request_token(m_plan.oidc_audience, m_plan.oidc_lifetime);
    if (!token) return token.error();
    if (auto kept = keep_secret({{*token, std::string(k_oidc_username)}}); !kept) return kept;
    m_wrote_local = local;
    return use_token(*token);
}

Status CredentialSession::use_docker_config(const std::string& private_dir) {
    const auto text = read_text_file(m_plan.docker_config_source);
    if (!text) return missing_docker_config(m_plan.docker_config_source);
    fmt::print(m_edges.log, "kaniko: using the Docker config {}\n", m_plan.docker_config_source);
    // The executor can print what it reads; what the plugin hands it is masked like a token.
    if (auto kept = keep_secret(secrets_in_docker_config(*text)); !kept) return kept;
    // The local executor reads the file where it is; a container gets a private copy mounted.
    if (m_plan.executor == ExecutorKind::docker && m_use == For::executor) {
        if (auto made = make_mount_dir(private_dir); !made) return made;
        if (auto written = write_private_file(config_path(), *text); !written) return written;
    }
    const bool checks = m_plan.push && (m_plan.preflight || m_plan.skip_if_exists || m_plan.verify);
    if (m_use == For::executor && !checks) return Ok{};
    auto found = login_from_docker_config(*text, registry_host(m_plan.registry), m_edges.runner);
    if (!found) return found.error();
    if (found->missing_helper) {
        // The executor image ships the common helpers (ECR, GCR, ACR); the agent need not.
        fmt::print(m_edges.log,
                   "kaniko: {} is not on this agent, so pre-flight, skip-if-exists and verify are skipped; the "
                   "executor signs in with its own copy\n",
                   *found->missing_helper);
        m_registry_checks = false;
    }
    if (found->login) {
        if (auto kept = keep_secret({{found->login->password, found->login->username}}); !kept) {
            return kept;
        }
    }
    m_login = std::move(found->login);
    return Ok{};
}

// A build can outlive its token, and Kaniko reads config.json again when it pushes. So the file is
// replaced whole (a reader sees the old or the new), never rewritten in place. Credentials for the
// helper alone have no config.json.
Status CredentialSession::use_token(const std::string& token) {
    if (m_config_dir) {
        const auto host = registry_host(m_plan.registry);
        std::string text = render_docker_config(host, k_oidc_username, token);
        if (m_replaced) {
            auto merged = merge_docker_config(*m_replaced, host, k_oidc_username, token);
            if (!merged) return merged.error();
            text = std::move(*merged);
        }
        if (auto replaced = replace_private_file(config_path(), text); !replaced) return replaced;
    }
    m_tokens.push_back(token);
    m_login = BasicCredentials{std::string(k_oidc_username), token};
    m_due = std::chrono::steady_clock::now() + std::chrono::seconds(std::max(1, m_plan.oidc_lifetime * 2 / 3));
    return Ok{};
}

Status CredentialSession::check_token() const {
    if (m_plan.auth != Auth::oidc) return Ok{};
    auto claims = decode_token_claims(m_tokens.back());
    if (!claims) return claims.error();
    return check_token_claims(*claims, m_plan.oidc_audience, static_cast<std::int64_t>(std::time(nullptr)));
}

void CredentialSession::refresh_if_due() {
    if (m_withdrawn || m_plan.auth != Auth::oidc || std::chrono::steady_clock::now() < m_due) return;
    auto token = m_edges.agent.request_token(m_plan.oidc_audience, m_plan.oidc_lifetime);
    if (!token && token.error().is_cancellation()) return;  // the stream reports the cancel
    if (!token) {
        fmt::print(m_edges.log, "kaniko: warning: could not refresh the OIDC token ({}); trying again in {}s\n",
                   token.error().message, k_refresh_retry.count());
        m_due = std::chrono::steady_clock::now() + k_refresh_retry;
        return;
    }
    // Masked before the executor can read it from the new config.json.
    if (!keep_secret({{*token, std::string(k_oidc_username)}})) return;
    if (auto written = use_token(*token); !written) {
        fmt::print(m_edges.log, "kaniko: warning: {}\n", written.error().message);
        m_due = std::chrono::steady_clock::now() + k_refresh_retry;
        return;
    }
    fmt::print(m_edges.log, "kaniko: refreshed the OIDC token in the executor's credentials\n");
}

void CredentialSession::withdraw() noexcept {
    if (m_withdrawn) return;
    m_withdrawn = true;
    std::string kept;
    if (m_wrote_local) {
        put_back();
        if (m_replaced) kept = fmt::format("; {} is as it was", config_path());
    } else if (m_mount_dir) {
        // The directory goes with the build's TempDir; the file must go now, while the container runs.
        if (auto removed = put_back_file(config_path(), std::nullopt); !removed) {
            fmt::print(m_edges.log, "kaniko: warning: {}\n", removed.error().message);
            return;
        }
    } else {
        return;
    }
    fmt::print(m_edges.log, "kaniko: cancelled: the executor's credentials are removed{}\n", kept);
}

void CredentialSession::put_back() noexcept {
    if (!m_wrote_local) return;
    m_wrote_local = false;
    if (auto restored = put_back_file(config_path(), m_replaced); !restored) {
        fmt::print(m_edges.log, "kaniko: warning: {}\n", restored.error().message);
    }
}

void put_back_docker_config(const std::string& private_dir, std::ostream& log) {
    const auto target = read_text_file(record_path(private_dir, k_target_record));
    if (!target || target->empty()) return;
    const auto original = read_text_file(record_path(private_dir, k_original_record));
    if (auto restored = put_back_file(*target, original); !restored) {
        fmt::print(log, "kaniko: warning: {}\n", restored.error().message);
        return;
    }
    fmt::print(log, "kaniko: {} {}\n", original ? "put back" : "removed", *target);
}

}  // namespace kaniko
