#include "app/exists.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <ostream>

#include "plan/plan.hpp"
#include "registry/client.hpp"
#include "registry/credentials.hpp"
#include "registry/reference.hpp"
#include "util/files.hpp"

namespace kaniko {

Expected<int> run_exists(const std::vector<std::string>& args, const Environment& env, ProcessRunner& runner,
                         HttpClient& http, std::ostream& out) {
    const auto usage = Error::invalid_config(
        "usage: kaniko-buildkite-helper exists [--docker-config FILE] [--ca-file FILE] [--insecure] [--verbose] REF");
    std::optional<std::string> reference;
    std::string config_file = docker_config_file(env);
    std::optional<std::string> ca_file;
    bool insecure = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--docker-config" && i + 1 < args.size()) {
            config_file = args[++i];
        } else if (args[i] == "--ca-file" && i + 1 < args.size()) {
            ca_file = args[++i];
        } else if (args[i] == "--insecure") {
            insecure = true;
        } else if (!args[i].starts_with("-") && !reference) {
            reference = args[i];
        } else {
            return usage;
        }
    }
    if (!reference) return usage;
    auto ref = parse_reference(*reference);
    if (!ref) return Error::invalid_config(ref.error().message);

    std::optional<BasicCredentials> login;
    if (const auto text = read_text_file(config_file)) {
        auto found = login_from_docker_config(*text, ref->host, runner);
        if (!found) return found.error();
        if (found->missing_helper) {
            return Error::failure(fmt::format("{} names {} for {}, and it is not on PATH", config_file,
                                              *found->missing_helper, ref->host));
        }
        login = std::move(found->login);
    }
    std::map<std::string, std::string> certificates;
    if (ca_file) certificates[ref->host] = *ca_file;
    std::vector<std::string> insecure_hosts;
    if (insecure) insecure_hosts.push_back(ref->host);
    RegistryClient client(http, endpoint_for(ref->host, certificates, insecure_hosts), std::move(login));
    auto digest = client.manifest_digest(ref->repository, ref->digest.empty() ? ref->tag : ref->digest);
    if (!digest) return digest.error();
    if (!*digest) return 1;
    out << **digest << '\n';
    return 0;
}

}  // namespace kaniko
