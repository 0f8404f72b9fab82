#include "sigstore/service.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "registry/http.hpp"

namespace kaniko {

Expected<HttpResponse> post_json(HttpClient& http, const std::string& url, std::string body) {
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {"Content-Type: application/json", "Accept: application/json", "Expect:"};
    request.body = std::move(body);
    return http.send(request);
}

std::string service_message(std::string_view body) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(body, ec);
    std::string message;
    if (!ec && value.is_object()) {
        if (const auto* said = value.as_object().if_contains("message"); said != nullptr && said->is_string()) {
            message = std::string(said->as_string());
        }
    }
    if (message.empty()) message = std::string(body.substr(0, 300));
    std::replace(message.begin(), message.end(), '\n', ' ');
    return quote_value(message);
}

}  // namespace kaniko
