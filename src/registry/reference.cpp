#include "registry/reference.hpp"

#include <fmt/format.h>

#include <regex>

namespace kaniko {

namespace {

const std::regex& tag_pattern() {
    static const std::regex pattern("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    return pattern;
}

const std::regex& repository_pattern() {
    static const std::regex pattern(
        "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    return pattern;
}

const std::regex& host_pattern() {
    static const std::regex pattern(
        "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])"
        "(?::[0-9]{1,5})?");
    return pattern;
}

const std::regex& digest_pattern() {
    static const std::regex pattern("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");
    return pattern;
}

bool matches(std::string_view text, const std::regex& pattern) {
    return std::regex_match(text.begin(), text.end(), pattern);
}

// Docker's rule: the first path component is a registry when it could not be a repository name.
bool looks_like_host(std::string_view component) {
    return component.find('.') != std::string_view::npos || component.find(':') != std::string_view::npos ||
           component == "localhost";
}

}  // namespace

bool is_valid_tag(std::string_view tag) { return matches(tag, tag_pattern()); }

bool is_valid_repository(std::string_view repository) {
    return repository.size() <= 255 && matches(repository, repository_pattern());
}

bool is_valid_registry(std::string_view registry) {
    const auto slash = registry.find('/');
    const auto host = registry.substr(0, slash);
    if (!matches(host, host_pattern())) return false;
    return slash == std::string_view::npos || is_valid_repository(registry.substr(slash + 1));
}

bool is_valid_digest(std::string_view digest) { return matches(digest, digest_pattern()); }

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
        if (!matches(ref.host, host_pattern())) return invalid("the registry host is malformed");
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

}  // namespace kaniko
