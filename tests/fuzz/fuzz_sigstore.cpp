// What Sigstore's services answer, and what a cosign tag may already hold: texts from the network.
#include "fuzz.hpp"
#include "registry/index.hpp"
#include "sigstore/cosign.hpp"
#include "sigstore/fulcio.hpp"
#include "sigstore/rekor.hpp"

using namespace kaniko;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::text_of(data, size);
    if (const auto chain = read_signing_cert_answer(200, text, "https://f/api/v2/signingCert"); !chain) {
        fuzz::require_readable(chain.error());
    } else if (chain->leaf.empty() && chain->chain.empty()) {
        std::abort();
    }
    if (const auto entry = read_log_entry_answer(201, text, "https://r/api/v1/log/entries"); !entry) {
        fuzz::require_readable(entry.error());
    }
    const SignatureLayer layer{std::string(k_simple_signing_type), "payload", "c2ln", "CERT", "", std::nullopt};
    if (const auto image = add_signature(Manifest{std::string(k_oci_manifest), std::string(text), {}}, layer); !image) {
        fuzz::require_readable(image.error());
    }
    return 0;
}
