#include "registry/credentials.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "util/base64.hpp"
#include "util/process.hpp"

namespace kaniko {

namespace json = boost::json;

namespace {

// `https://index.docker.io/v1/` and `http://r:5000/x` name the hosts `index.docker.io` and `r:5000`.
std::string_view key_host(std::string_view key) {
    if (const auto scheme = key.find("://"); scheme != std::string_view::npos) key = key.substr(scheme + 3);
    return key.substr(0, key.find('/'));
}

std::string string_field(const json::object& object, std::string_view name) {
    const auto* value = object.if_contains(name);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::optional<BasicCredentials> login_of(const json::object& entry) {
    if (const auto auth = string_field(entry, "auth"); !auth.empty()) {
        const auto decoded = base64_decode(auth);
        if (!decoded) return std::nullopt;
        const auto colon = decoded->find(':');
        if (colon == std::string::npos) return std::nullopt;
        return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
    }
    auto username = string_field(entry, "username");
    auto password = string_field(entry, "password");
    if (username.empty() && password.empty()) return std::nullopt;
    return BasicCredentials{std::move(username), std::move(password)};
}

}  // namespace

std::vector<Secret> secrets_in_docker_config(std::string_view config_json) {
    boost::system::error_code ec;
    const auto value = json::parse(config_json, ec);
    if (ec || !value.is_object()) return {};
    std::vector<Secret> secrets;
    const auto* auths = value.as_object().if_contains("auths");
    if (auths == nullptr || !auths->is_object()) return secrets;
    for (const auto& [key, entry] : auths->as_object()) {
        if (!entry.is_object()) continue;
        if (auto login = login_of(entry.as_object()); login && !login->password.empty()) {
            secrets.push_back({std::move(login->password), std::move(login->username)});
        }
        for (const auto* field : {"password", "identitytoken", "registrytoken"}) {
            if (auto text = string_field(entry.as_object(), field); !text.empty()) secrets.push_back({std::move(text), {}});
        }
    }
    return secrets;
}

Expected<CredentialSource> find_credentials(std::string_view config_json, std::string_view host) {
    boost::system::error_code ec;
    const auto value = json::parse(config_json, ec);
    if (ec || !value.is_object()) {
        return Error::failure("the Docker config file is not a JSON object; fix or remove it");
    }
    const auto& config = value.as_object();
    // Docker Hub's credentials live under its old index address.
    const std::string_view wanted = host == "docker.io" ? std::string_view("index.docker.io") : host;
    CredentialSource source;
    if (const auto* helpers = config.if_contains("credHelpers"); helpers != nullptr && helpers->is_object()) {
        for (const auto& [key, helper] : helpers->as_object()) {
            if (key_host(key) == wanted && helper.is_string()) {
                source.helper = std::string(helper.as_string());
                return source;
            }
        }
    }
    if (const auto* auths = config.if_contains("auths"); auths != nullptr && auths->is_object()) {
        for (const auto& [key, entry] : auths->as_object()) {
            if (key_host(key) != wanted || !entry.is_object()) continue;
            source.basic = login_of(entry.as_object());
            if (source.basic) return source;
        }
    }
    if (const auto store = string_field(config, "credsStore"); !store.empty()) source.helper = store;
    return source;
}

Expected<BasicCredentials> parse_helper_output(std::string_view text, std::string_view helper) {
    boost::system::error_code ec;
    const auto value = json::parse(text, ec);
    if (ec || !value.is_object()) {
        return Error::failure(fmt::format("docker-credential-{} get did not print a JSON object", helper));
    }
    return BasicCredentials{string_field(value.as_object(), "Username"), string_field(value.as_object(), "Secret")};
}

Expected<DockerConfigLogin> login_from_docker_config(std::string_view config_json, std::string_view host,
                                                     ProcessRunner& runner) {
    auto source = find_credentials(config_json, host);
    if (!source) return source.error();
    if (!source->helper) return DockerConfigLogin{source->basic, std::nullopt};
    const auto program = fmt::format("docker-credential-{}", *source->helper);
    if (find_program(program).empty()) return DockerConfigLogin{std::nullopt, program};
    auto run = runner.capture({program, "get"}, host, Stderr::discard);
    if (!run) return run.error();
    if (run->exit_code != 0) {
        return Error::failure(fmt::format("{} get found no credentials for {} (exit {}); log in with it first",
                                          program, host, run->exit_code));
    }
    auto credentials = parse_helper_output(run->output, *source->helper);
    if (!credentials) return credentials.error();
    return DockerConfigLogin{std::move(*credentials), std::nullopt};
}

}  // namespace kaniko
