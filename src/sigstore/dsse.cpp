#include "sigstore/dsse.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "util/base64.hpp"

namespace kaniko {

std::string dsse_pae(std::string_view payload_type, std::string_view payload) {
    return fmt::format("DSSEv1 {} {} {} {}", payload_type.size(), payload_type, payload.size(), payload);
}

std::string dsse_envelope(std::string_view payload_type, std::string_view payload, std::string_view signature) {
    const boost::json::object envelope{
        {"payloadType", payload_type},
        {"payload", base64_encode(payload)},
        {"signatures", boost::json::array{boost::json::object{{"keyid", ""}, {"sig", base64_encode(signature)}}}}};
    return boost::json::serialize(envelope);
}

}  // namespace kaniko
