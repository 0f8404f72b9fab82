#include "util/secrets.hpp"

#include <algorithm>

#include "util/base64.hpp"

namespace kaniko {

std::vector<std::string> secret_forms(const Secret& secret) {
    std::vector<std::string> forms{secret.value};
    if (!secret.username.empty()) forms.push_back(base64_encode(secret.username + ":" + secret.value));
    // Preceded by `offset` bytes mod 3, the value's first (3 - offset) % 3 bytes share a base64
    // group with what comes before; its whole groups after that encode to fixed characters.
    for (std::size_t offset = 0; offset < 3; ++offset) {
        const auto skip = (3 - offset) % 3;
        if (secret.value.size() <= skip) continue;
        const auto whole = (secret.value.size() - skip) / 3 * 3;
        forms.push_back(base64_encode(std::string_view(secret.value).substr(skip, whole)));
    }
    std::erase_if(forms, [](const std::string& form) { return form.size() < k_min_masked_length; });
    std::sort(forms.begin(), forms.end());
    forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
    return forms;
}

}  // namespace kaniko
