// An image reference (kaniko-image, KANIKO_IMAGE, `exists REF`) and the naming rules under it.
#include "fuzz.hpp"
#include "registry/reference.hpp"

using namespace kaniko;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::text_of(data, size);
    (void)is_valid_tag(text);
    (void)is_valid_repository(text);
    (void)is_valid_registry(text);
    (void)is_valid_digest(text);
    const auto reference = parse_reference(text);
    if (!reference) {
        fuzz::require_readable(reference.error());
        return 0;
    }
    // What parses must print back as something that parses to the same.
    const auto again = parse_reference(reference->str());
    if (!again || again->str() != reference->str()) std::abort();
    return 0;
}
