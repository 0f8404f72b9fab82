#include "registry/reference.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/chars.hpp"

namespace kaniko {

namespace {

// Hand-written rather than std::regex: libstdc++'s matcher recurses once per character and
// overflows the stack on long input, and every rule here is a simple character class.
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
bool is_upper_hex(char c) { return is_hex(c) || (c >= 'A' && c <= 'F'); }

// [a-z0-9]+ joined by `.`, `_`, `__` or a run of `-`.
bool is_valid_path_component(std::string_view component) {
    if (component.empty() || !is_lower_alnum(component.front()) || !is_lower_alnum(component.back())) return false;
    for (std::size_t i = 0; i < component.size();) {
        if (is_lower_alnum(component[i])) {
            ++i;
            continue;
        }
        auto end = i;
        while (!is_lower_alnum(component[end])) ++end;  // the last character is alphanumeric
        const auto run = component.substr(i, end - i);
        const bool separator = run == "." || run == "_" || run == "__" ||
                               std::all_of(run.begin(), run.end(), [](char c) { return c == '-'; });
        if (!separator) return false;
        i = end;
    }
    return true;
}

// [A-Za-z0-9] with inner hyphens, at most 63 characters, as DNS has it.
bool is_valid_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
    return std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

bool is_valid_port(std::string_view port) {
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) return false;
    const auto number = std::stoi(std::string(port));
    return number >= 1 && number <= 65535;
}

bool is_valid_dns_name(std::string_view name) { return name.size() <= 253 && every_part(name, '.', is_valid_label); }

bool is_valid_bracketed_ip(std::string_view address) {
    if (address.size() < 3 || address.front() != '[' || address.back() != ']') return false;
    return std::all_of(address.begin() + 1, address.end() - 1,
                       [](char c) { return is_upper_hex(c) || c == ':' || c == '.'; });
}

// A DNS name or an IP address (IPv6 in brackets), then an optional :port from 1 to 65535.
bool is_valid_host(std::string_view host) {
    const auto port_colon = host.find(':', host.starts_with('[') ? host.find(']') : 0);
    const auto name = host.substr(0, port_colon);
    if (port_colon != std::string_view::npos && !is_valid_port(host.substr(port_colon + 1))) return false;
    return name.starts_with('[') ? is_valid_bracketed_ip(name) : is_valid_dns_name(name);
}

// Docker's rule: the first path component is a registry when it could not be a repository name.
bool looks_like_host(std::string_view component) {
    return component.find('.') != std::string_view::npos || component.find(':') != std::string_view::npos ||
           component == "localhost";
}

}  // namespace

bool is_valid_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > k_max_tag_length || !(is_alnum(tag.front()) || tag.front() == '_')) return false;
    return std::all_of(tag.begin(), tag.end(), [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool is_valid_repository(std::string_view repository) {
    return repository.size() <= k_max_repository_length && every_part(repository, '/', is_valid_path_component);
}

bool is_valid_registry(std::string_view registry) {
    const auto slash = registry.find('/');
    if (!is_valid_host(registry.substr(0, slash))) return false;
    return slash == std::string_view::npos || is_valid_repository(registry.substr(slash + 1));
}

bool is_valid_digest(std::string_view digest) {
    std::string_view hex;
    if (digest.starts_with("sha256:")) {
        hex = digest.substr(7);
        if (hex.size() != 64) return false;
    } else if (digest.starts_with("sha512:")) {
        hex = digest.substr(7);
        if (hex.size() != 128) return false;
    } else {
        return false;
    }
    return std::all_of(hex.begin(), hex.end(), is_hex);
}

std::string registry_host(std::string_view registry) { return std::string(registry.substr(0, registry.find('/'))); }

std::string Reference::str() const {
    std::string out = fmt::format("{}/{}", host, repository);
    if (!tag.empty()) out += ":" + tag;
    if (!digest.empty()) out += "@" + digest;
    return out;
}

Expected<Reference> parse_reference(std::string_view text) {
    const auto invalid = [&](std::string_view why) {
        return Error::failure(fmt::format("{} is not an image reference: {}", quote_value(text), why));
    };
    if (text.size() > k_max_reference_length) {
        return invalid(fmt::format("it is {} characters long; a reference has at most {}", text.size(),
                                   k_max_reference_length));
    }
    Reference ref;
    std::string_view rest = text;
    if (const auto at = rest.find('@'); at != std::string_view::npos) {
        ref.digest = std::string(rest.substr(at + 1));
        rest = rest.substr(0, at);
        if (!is_valid_digest(ref.digest)) return invalid("the digest must be sha256: and 64 hex digits");
    }
    const auto slash = rest.find('/');
    if (slash != std::string_view::npos && looks_like_host(rest.substr(0, slash))) {
        ref.host = std::string(rest.substr(0, slash));
        rest = rest.substr(slash + 1);
        if (!is_valid_host(ref.host)) return invalid("the registry host is malformed");
    } else {
        ref.host = "docker.io";
    }
    // A colon after the last slash starts the tag; one before it belonged to the host.
    const auto last_slash = rest.rfind('/');
    const auto colon = rest.find(':', last_slash == std::string_view::npos ? 0 : last_slash);
    if (colon != std::string_view::npos) {
        ref.tag = std::string(rest.substr(colon + 1));
        rest = rest.substr(0, colon);
        if (!is_valid_tag(ref.tag)) return invalid("the tag must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    }
    ref.repository = std::string(rest);
    if (ref.host == "docker.io" && ref.repository.find('/') == std::string::npos) {
        ref.repository = "library/" + ref.repository;
    }
    if (!is_valid_repository(ref.repository)) {
        return invalid("the repository must be lowercase path components such as team/app");
    }
    if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
    return ref;
}

namespace {

// The host of `host[:port][/path]`, without the port; an IPv6 address keeps its brackets off.
std::string_view bare_host(std::string_view reference) {
    reference = reference.substr(0, reference.find('/'));
    if (reference.starts_with('[')) {
        const auto close = reference.find(']');
        return reference.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    }
    if (std::count(reference.begin(), reference.end(), ':') > 1) return reference;  // a bare IPv6 address
    return reference.substr(0, reference.find(':'));
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    const auto bare = bare_host(host);
    return bare == "localhost" || bare == "::1" || bare.starts_with("127.");
}

}  // namespace kaniko
