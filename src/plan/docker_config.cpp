#include "plan/docker_config.hpp"

#include <boost/json.hpp>

#include "util/base64.hpp"

namespace kaniko {

namespace {

boost::json::object login(std::string_view username, std::string_view password) {
    return {
        {"username", username},
        {"password", password},
        {"auth", base64_encode(std::string(username) + ":" + std::string(password))},
    };
}

}  // namespace

std::string render_docker_config(std::string_view registry_host, std::string_view username, std::string_view password) {
    boost::json::object auths;
    auths[registry_host] = login(username, password);
    return boost::json::serialize(boost::json::object{{"auths", std::move(auths)}}) + "\n";
}

Expected<std::string> merge_docker_config(std::string_view config_json, std::string_view registry_host,
                                          std::string_view username, std::string_view password) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(config_json, ec);
    if (ec || !parsed.is_object()) {
        return Error::failure("the executor's Docker config.json is not a JSON object, so the OIDC login cannot be "
                              "added to it; fix or remove it, or use auth: docker-config to use it as it is");
    }
    auto& config = parsed.as_object();
    if (!config["auths"].is_object()) config["auths"] = boost::json::object{};
    config["auths"].as_object()[registry_host] = login(username, password);
    return boost::json::serialize(config) + "\n";
}

}  // namespace kaniko
