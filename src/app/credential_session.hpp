#pragma once

#include <chrono>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/build.hpp"
#include "registry/credentials.hpp"
#include "util/error.hpp"

namespace kaniko {

struct BuildPlan;
class LogRelay;
struct Secret;

// Every form of the secrets is kept out of what the helper relays and handed to the agent's
// redactor for what it does not relay. Fails only when the job is cancelled meanwhile.
Status protect(const BuildEnvironment& edges, LogRelay& relay, const std::vector<Secret>& secrets);

// The executor's credentials for one build. Opening it issues them (an OIDC token, or the agent's
// Docker config), masks every form of them in the relay and hands them to the agent's redactor, and
// writes config.json where the executor reads it: a private directory that `docker run` mounts, or
// the local executor's DOCKER_CONFIG directory. A token is replaced before it expires. Closing puts
// back the DOCKER_CONFIG config.json that was there before; a private directory goes with its TempDir.
class CredentialSession {
public:
    // Whose the credentials are: the executor's (written where it reads them) and the helper's, or
    // the helper's alone (an index step), which writes no file.
    enum class For { executor, helper };
    static Expected<std::unique_ptr<CredentialSession>> open(const BuildPlan& plan, const BuildEnvironment& edges,
                                                             LogRelay& relay, const std::string& private_dir,
                                                             For use = For::executor);
    ~CredentialSession();
    CredentialSession(const CredentialSession&) = delete;
    CredentialSession& operator=(const CredentialSession&) = delete;

    // The directory holding config.json for `docker run` to mount, if there is one.
    const std::optional<std::string>& mount_dir() const { return m_mount_dir; }
    // The same login, for the helper's own registry calls; the newest after a refresh.
    const std::optional<BasicCredentials>& registry_login() const { return m_login; }
    // False when only the executor can obtain the login (a credential helper the agent lacks).
    bool registry_checks() const { return m_registry_checks; }
    // The token's claims, checked before the registry sees it, so that a wrong audience is named.
    Status check_token() const;
    // Replaces the token once two thirds of its life have passed; call about once a second.
    void refresh_if_due();
    // On a cancel, before the executor is stopped: the config.json written for it goes (the local
    // executor's own file is put back as it was), and no token is issued any more.
    void withdraw() noexcept;

private:
    CredentialSession(const BuildPlan& plan, const BuildEnvironment& edges, LogRelay& relay, For use)
        : m_plan(plan), m_edges(edges), m_relay(relay), m_use(use) {}
    Status issue(const std::string& private_dir);
    Status use_docker_config(const std::string& private_dir);
    Status make_mount_dir(const std::string& private_dir);
    Status keep_secret(const std::vector<Secret>& secrets);
    Status use_token(const std::string& token);
    std::string config_path() const;
    void put_back() noexcept;

    const BuildPlan& m_plan;
    const BuildEnvironment& m_edges;
    LogRelay& m_relay;
    For m_use;
    std::vector<std::string> m_tokens;  // every token issued for this build, the newest last
    std::optional<std::string> m_mount_dir;
    std::optional<std::string> m_config_dir;  // where config.json is written, if anywhere
    std::optional<std::string> m_replaced;    // the local executor's own config.json, to put back
    bool m_wrote_local = false;
    std::optional<BasicCredentials> m_login;
    bool m_registry_checks = true;
    bool m_withdrawn = false;
    std::chrono::steady_clock::time_point m_due;
};

// For pre-exit: puts back (or removes) the DOCKER_CONFIG config.json that a killed build in
// `private_dir` wrote, as that build recorded it there.
void put_back_docker_config(const std::string& private_dir, std::ostream& log);

}  // namespace kaniko
