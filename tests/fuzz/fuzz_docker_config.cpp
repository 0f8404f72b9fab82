// A Docker config.json from the agent, and a credential helper's answer.
#include "fuzz.hpp"
#include "registry/credentials.hpp"
#include "util/secrets.hpp"

using namespace kaniko;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::text_of(data, size);
    for (const auto* host : {"ghcr.io", "docker.io", "127.0.0.1:5000"}) {
        if (const auto found = find_credentials(text, host); !found) fuzz::require_readable(found.error());
    }
    for (const auto& secret : secrets_in_docker_config(text)) {
        if (secret.value.empty()) std::abort();
        for (const auto& form : secret_forms(secret)) {
            if (form.size() < k_min_masked_length) std::abort();
        }
    }
    if (const auto answer = parse_helper_output(text, "fuzz"); !answer) fuzz::require_readable(answer.error());
    return 0;
}
