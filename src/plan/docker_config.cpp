#include "plan/docker_config.hpp"

#include <boost/json.hpp>

#include "util/base64.hpp"

namespace kaniko {

std::string render_docker_config(std::string_view registry_host, std::string_view username, std::string_view password) {
    boost::json::object login{
        {"username", username},
        {"password", password},
        {"auth", base64_encode(std::string(username) + ":" + std::string(password))},
    };
    boost::json::object auths;
    auths[registry_host] = std::move(login);
    return boost::json::serialize(boost::json::object{{"auths", std::move(auths)}}) + "\n";
}

}  // namespace kaniko
