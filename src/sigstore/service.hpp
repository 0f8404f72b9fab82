#pragma once

#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaniko {

class HttpClient;
struct HttpResponse;

// What Fulcio and Rekor share: a JSON request POSTed to an endpoint, and JSON errors.

// The answer to `body` POSTed to `url` as JSON, whatever its status; an Error only when none came.
Expected<HttpResponse> post_json(HttpClient& http, const std::string& url, std::string body);

// The message a Sigstore service's JSON error body carries ({"code":..,"message":..}), quoted on one line.
std::string service_message(std::string_view body);

}  // namespace kaniko
