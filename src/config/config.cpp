#include "config/config.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <stdexcept>

#include "config/json_text.hpp"
#include "registry/platform.hpp"
#include "registry/reference.hpp"
#include "util/chars.hpp"

namespace kaniko {

namespace json = boost::json;

namespace {

// Length limits keep every message and argv bounded; they follow the OCI distribution spec where it
// has one (tags, repositories) and are generous elsewhere.
constexpr std::size_t k_max_slug = 100;
constexpr std::size_t k_max_name = 128;
constexpr std::size_t k_max_path = 4096;
constexpr std::size_t k_max_argument = 32768;

constexpr std::array k_attributes{
    AttributeSpec{"image", AttributeKind::string, k_max_repository_length},
    AttributeSpec{"registry", AttributeKind::string, k_max_reference_length},
    AttributeSpec{"package-registry", AttributeKind::string, k_max_slug},
    AttributeSpec{"organization", AttributeKind::string, k_max_slug},
    AttributeSpec{"tags", AttributeKind::string_or_list, k_max_tag_length},
    AttributeSpec{"context", AttributeKind::string, k_max_path},
    AttributeSpec{"dockerfile", AttributeKind::string, k_max_path},
    AttributeSpec{"build-args", AttributeKind::list, k_max_argument},
    AttributeSpec{"secrets", AttributeKind::secret_list, k_max_path},
    AttributeSpec{"target", AttributeKind::string, k_max_name},
    AttributeSpec{"labels", AttributeKind::list, k_max_argument},
    AttributeSpec{"platform", AttributeKind::string, k_max_name},
    AttributeSpec{"platforms", AttributeKind::list, k_max_name},
    AttributeSpec{"index", AttributeKind::list, k_max_name},
    AttributeSpec{"network", AttributeKind::string, k_max_name},
    AttributeSpec{"cache", AttributeKind::boolean, 0},
    AttributeSpec{"cache-repo", AttributeKind::string, k_max_reference_length},
    AttributeSpec{"cache-ttl", AttributeKind::string, k_max_name},
    AttributeSpec{"cache-push", AttributeKind::boolean, 0},
    AttributeSpec{"push", AttributeKind::boolean, 0},
    AttributeSpec{"auth", AttributeKind::enumeration, k_max_name},
    AttributeSpec{"oidc-audience", AttributeKind::string, k_max_reference_length},
    AttributeSpec{"oidc-lifetime", AttributeKind::integer, k_max_name},
    AttributeSpec{"kaniko-image", AttributeKind::string, k_max_reference_length},
    AttributeSpec{"executor", AttributeKind::enumeration, k_max_name},
    AttributeSpec{"executor-path", AttributeKind::string, k_max_path},
    AttributeSpec{"debug", AttributeKind::boolean, 0},
    AttributeSpec{"verbosity", AttributeKind::enumeration, k_max_name},
    AttributeSpec{"extra-args", AttributeKind::list, k_max_argument},
    AttributeSpec{"annotate", AttributeKind::boolean, 0},
    AttributeSpec{"helper", AttributeKind::string, k_max_path},
    AttributeSpec{"helper-url", AttributeKind::string, k_max_path},
    AttributeSpec{"registry-certificates", AttributeKind::object, k_max_path},
    AttributeSpec{"insecure-registries", AttributeKind::list, k_max_repository_length},
    AttributeSpec{"preflight", AttributeKind::boolean, 0},
    AttributeSpec{"skip-if-exists", AttributeKind::boolean, 0},
    AttributeSpec{"verify", AttributeKind::boolean, 0},
    AttributeSpec{"sign", AttributeKind::boolean, 0},
    AttributeSpec{"provenance", AttributeKind::boolean, 0},
    AttributeSpec{"fulcio-url", AttributeKind::string, k_max_path},
    AttributeSpec{"rekor-url", AttributeKind::string, k_max_path},
    AttributeSpec{"transparency-log", AttributeKind::boolean, 0},
};

constexpr int k_max_oidc_lifetime = 86400;

// Parsing stops at the first problem; inside this file an Error is thrown and parse_config turns
// it back into a value, which keeps each rule to one line.
[[noreturn]] void fail(Error error) { throw error; }

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

Error unknown_attribute(std::string_view name) {
    std::string closest;
    std::size_t best = 3;  // suggest only near misses: typos and underscores for hyphens
    std::string names;
    for (const auto& spec : k_attributes) {
        if (const auto d = edit_distance(name, spec.name); d < best) {
            best = d;
            closest = spec.name;
        }
        names += names.empty() ? "" : ", ";
        names += spec.name;
    }
    const auto hint = closest.empty() ? fmt::format("allowed: {}", names) : fmt::format("did you mean {}?", closest);
    return Error::invalid_config(fmt::format("{}: is not an attribute of the kaniko plugin; {}", quote_value(name), hint));
}

Error missing_image() {
    return Error::invalid_config(
        "image: is required; name the repository to push, e.g. `image: hello-kaniko` or `image: team/api`");
}

std::string type_name(const json::value& value) {
    switch (value.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
    }
    return "a value";
}

Error wrong_type(std::string_view name, const json::value& value, std::string_view expected) {
    return Error::invalid_config(
        fmt::format("{}: {} is {}; expected {}", name, abbreviated(json::serialize(value)), type_name(value), expected));
}

// The table row of an attribute that parsing reads as `kind`: the table gives every accessor its
// length limit, and a row that disagrees with how its attribute is read is a bug caught by any test.
const AttributeSpec& spec_of(std::string_view name, std::initializer_list<AttributeKind> kinds) {
    const auto spec = std::find_if(k_attributes.begin(), k_attributes.end(),
                                   [&](const AttributeSpec& candidate) { return candidate.name == name; });
    if (spec == k_attributes.end() || std::find(kinds.begin(), kinds.end(), spec->kind) == kinds.end()) {
        throw std::logic_error(fmt::format("the attribute table does not list {} as read here", name));
    }
    return *spec;
}

// `label` names the value in the message: the attribute, an item `tags[2]` or a key `x.host`.
std::string checked_text(std::string_view label, std::string_view text, std::size_t max_length,
                         std::string_view what = "attribute") {
    if (text.empty()) fail(Error::invalid_attribute(label, text, fmt::format("is empty; remove the {} or give a value", what)));
    if (text.size() > max_length) {
        fail(Error::invalid_attribute(label, text, fmt::format("is too long; use at most {} characters", max_length)));
    }
    return std::string(text);
}

class Attributes {
public:
    explicit Attributes(const json::object& object) : m_object(object) {}

    bool has(std::string_view name) const { return m_object.contains(name); }

    std::optional<std::string> string(std::string_view name) const {
        const auto* value = m_object.if_contains(name);
        if (value == nullptr) return std::nullopt;
        const auto& spec = spec_of(name, {AttributeKind::string, AttributeKind::enumeration});
        if (!value->is_string()) fail(wrong_type(name, *value, "a string"));
        return checked_text(name, value->as_string(), spec.max_length);
    }

    std::optional<bool> boolean(std::string_view name) const {
        spec_of(name, {AttributeKind::boolean});
        const auto* value = m_object.if_contains(name);
        if (value == nullptr) return std::nullopt;
        if (!value->is_bool()) fail(wrong_type(name, *value, "true or false"));
        return value->as_bool();
    }

    std::optional<std::int64_t> integer(std::string_view name) const {
        spec_of(name, {AttributeKind::integer});
        const auto* value = m_object.if_contains(name);
        if (value == nullptr) return std::nullopt;
        if (value->is_int64()) return value->as_int64();
        if (value->is_string()) {
            // The flattened BUILDKITE_PLUGIN_* fallback only has strings; accept plain digits there.
            const std::string text(value->as_string());
            if (!text.empty() && text.size() < 10 && std::all_of(text.begin(), text.end(), is_digit)) {
                return std::stoll(text);
            }
        }
        fail(wrong_type(name, *value, "a whole number"));
    }

    // `allow_single` lets a lone string stand for a one-element list, as `tags: latest` reads.
    std::vector<std::string> list(std::string_view name, bool allow_single = false) const {
        const auto max_length =
            spec_of(name, {allow_single ? AttributeKind::string_or_list : AttributeKind::list}).max_length;
        const auto* value = m_object.if_contains(name);
        if (value == nullptr) return {};
        if (allow_single && value->is_string()) return {checked_text(name, value->as_string(), max_length)};
        const auto expected = allow_single ? "a string or an array of strings" : "an array of strings";
        if (!value->is_array()) fail(wrong_type(name, *value, expected));
        std::vector<std::string> items;
        const auto& array = value->as_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            const auto label = fmt::format("{}[{}]", name, i);
            if (!array[i].is_string()) fail(wrong_type(label, array[i], "a string"));
            items.push_back(checked_text(label, array[i].as_string(), max_length, "item"));
        }
        if (items.empty()) fail(Error::invalid_config(fmt::format("{}: is an empty array; remove it or add items", name)));
        return items;
    }

    std::map<std::string, std::string> string_map(std::string_view name, std::string_view expected) const {
        const auto max_length = spec_of(name, {AttributeKind::object}).max_length;
        const auto* value = m_object.if_contains(name);
        if (value == nullptr) return {};
        if (!value->is_object()) fail(wrong_type(name, *value, expected));
        std::map<std::string, std::string> entries;
        for (const auto& [key, item] : value->as_object()) {
            checked_text(name, key, max_length, "key");
            const auto item_name = fmt::format("{}.{}", name, std::string_view(key));
            if (!item.is_string()) fail(wrong_type(item_name, item, "a string"));
            entries.emplace(std::string(key), checked_text(item_name, item.as_string(), max_length, "entry"));
        }
        return entries;
    }

    // Each item `ID` (the job's variable of that name), `{id, env}` or `{id, file}`.
    std::vector<BuildSecret> secrets(std::string_view name) const {
        const auto max_length = spec_of(name, {AttributeKind::secret_list}).max_length;
        const auto* value = m_object.if_contains(name);
        if (value == nullptr) return {};
        constexpr std::string_view expected = "an array of IDs, {id, env} or {id, file}";
        if (!value->is_array()) fail(wrong_type(name, *value, expected));
        std::vector<BuildSecret> secrets;
        const auto& array = value->as_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            const auto label = fmt::format("{}[{}]", name, i);
            BuildSecret secret;
            if (array[i].is_string()) {
                secret.id = checked_text(label, array[i].as_string(), max_length, "item");
                secret.name = secret.id;
            } else if (array[i].is_object()) {
                const auto& item = array[i].as_object();
                for (const auto& [key, field] : item) {
                    if (key != "id" && key != "env" && key != "file") {
                        fail(Error::invalid_attribute(label, std::string_view(key),
                                                      "is not a key of a secret; use id with env or file"));
                    }
                    if (!field.is_string()) fail(wrong_type(fmt::format("{}.{}", label, std::string_view(key)), field, "a string"));
                }
                if (!item.contains("id") || item.contains("env") == item.contains("file")) {
                    fail(Error::invalid_config(
                        fmt::format("{}: give id and one of env or file, e.g. {{id: npm, env: NPM_TOKEN}}", label)));
                }
                secret.id = checked_text(label + ".id", item.at("id").as_string(), max_length, "entry");
                secret.source = item.contains("env") ? BuildSecret::Source::env : BuildSecret::Source::file;
                const auto* source = item.contains("env") ? "env" : "file";
                secret.name = checked_text(fmt::format("{}.{}", label, source), item.at(source).as_string(), max_length,
                                           "entry");
            } else {
                fail(wrong_type(label, array[i], "an ID or an object with id and env or file"));
            }
            secrets.push_back(std::move(secret));
        }
        if (secrets.empty()) fail(Error::invalid_config(fmt::format("{}: is an empty array; remove it or add items", name)));
        return secrets;
    }

private:
    const json::object& m_object;
};

template <class Predicate>
bool all_of(std::string_view text, Predicate predicate) {
    return std::all_of(text.begin(), text.end(), predicate);
}

// [A-Za-z_][A-Za-z0-9_]*: a shell variable's name, as build arguments are.
bool is_identifier(std::string_view text) {
    return !text.empty() && !is_digit(text.front()) && all_of(text, [](char c) { return is_alnum(c) || c == '_'; });
}

// [A-Za-z0-9][A-Za-z0-9_.-]*: a Dockerfile stage or a Docker network.
bool is_name(std::string_view text) {
    return !text.empty() && is_alnum(text.front()) &&
           all_of(text, [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool is_build_arg(std::string_view text) { return is_identifier(text.substr(0, text.find('='))); }

bool is_label(std::string_view text) {
    const auto equals = text.find('=');
    const auto key = text.substr(0, equals);
    return equals != std::string_view::npos && !key.empty() && all_of(key, [](char c) { return !is_ascii_space(c); });
}

Platform platform_of(std::string_view attribute, std::string_view text) {
    std::string what_is_wrong;
    auto platform = parse_platform(text, &what_is_wrong);
    if (!platform) fail(Error::invalid_attribute(attribute, text, fmt::format("{}, {}", what_is_wrong, k_platform_examples)));
    return *platform;
}

// Each platform once: an index holds one child per platform.
std::vector<Platform> platform_list(const Attributes& attributes, std::string_view attribute) {
    const auto texts = attributes.list(attribute);
    std::vector<Platform> platforms;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto name = fmt::format("{}[{}]", attribute, i);
        auto platform = platform_of(name, texts[i]);
        const auto twice = std::find(platforms.begin(), platforms.end(), platform);
        if (twice != platforms.end()) {
            fail(Error::invalid_attribute(name, texts[i], fmt::format("is given twice (also {}[{}])", attribute,
                                                                       twice - platforms.begin())));
        }
        platforms.push_back(std::move(platform));
    }
    return platforms;
}

// A Go duration as Kaniko reads it: one or more number-unit pairs, e.g. 1h30m or 0.5s.
bool is_duration(std::string_view text) {
    if (text.empty()) return false;
    while (!text.empty()) {
        std::size_t at = 0;
        while (at < text.size() && is_digit(text[at])) ++at;
        if (at == 0) return false;
        if (at < text.size() && text[at] == '.') {
            const auto fraction = ++at;
            while (at < text.size() && is_digit(text[at])) ++at;
            if (at == fraction) return false;
        }
        text = text.substr(at);
        std::size_t unit = 0;
        for (const std::string_view candidate : {"ns", "us", "ms", "s", "m", "h"}) {
            if (text.starts_with(candidate)) {
                unit = candidate.size();
                break;
            }
        }
        if (unit == 0) return false;
        text = text.substr(unit);
    }
    return true;
}

std::string item_name(std::string_view attribute, std::size_t index, std::size_t count) {
    return count == 1 && index == 0 ? std::string(attribute) : fmt::format("{}[{}]", attribute, index);
}

void check_slug(std::string_view attribute, const std::optional<std::string>& value) {
    if (value && !is_valid_slug(*value)) {
        fail(Error::invalid_attribute(attribute, *value,
                                      "is not a valid slug; use lowercase letters, digits and . _ - "
                                      "(as in the Buildkite URL)"));
    }
}

bool is_registry_host(std::string_view host) {
    return host.find('/') == std::string_view::npos && is_valid_registry(host);
}

std::string checkout_path(std::string_view attribute, std::string_view value) {
    const auto normalized = normalize_checkout_path(value);
    if (!normalized) {
        fail(Error::invalid_attribute(attribute, value,
                                      "leaves the checkout; use a relative path that stays inside it"));
    }
    return *normalized;
}

Auth parse_auth(std::string_view value) {
    if (value == "oidc") return Auth::oidc;
    if (value == "docker-config") return Auth::docker_config;
    if (value == "none") return Auth::none;
    fail(Error::invalid_attribute("auth", value, "is not an auth mode; use oidc, docker-config or none"));
}

ExecutorMode parse_executor(std::string_view value) {
    if (value == "auto") return ExecutorMode::automatic;
    if (value == "docker") return ExecutorMode::docker;
    if (value == "local") return ExecutorMode::local;
    fail(Error::invalid_attribute("executor", value, "is not an executor; use auto, docker or local"));
}

// A Sigstore service's URL: HTTPS, or plain HTTP to the agent's own loopback (a test instance).
std::string sigstore_url(const Attributes& attributes, std::string_view name, std::string_view fallback) {
    auto url = attributes.string(name).value_or(std::string(fallback));
    const auto scheme_end = url.find("://");
    const auto host_start = scheme_end == std::string::npos ? url.size() : scheme_end + 3;
    const auto host = url.substr(host_start, url.find('/', host_start) - host_start);
    const bool https = url.starts_with("https://") && !host.empty();
    const bool loopback_http = url.starts_with("http://") && is_loopback_host(host);
    const bool printable = all_of(url, [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; });
    if (!printable || (!https && !loopback_http)) {
        fail(Error::invalid_attribute(name, url, fmt::format("is not an https URL (plain http only to the agent's "
                                                             "loopback); e.g. {}",
                                                             fallback)));
    }
    while (url.ends_with('/')) url.pop_back();
    return url;
}

void parse_signing(const Attributes& attributes, Config& config) {
    config.sign = attributes.boolean("sign").value_or(config.sign);
    config.provenance = attributes.boolean("provenance").value_or(config.provenance);
    config.fulcio_url = sigstore_url(attributes, "fulcio-url", k_default_fulcio_url);
    config.rekor_url = sigstore_url(attributes, "rekor-url", k_default_rekor_url);
    config.transparency_log = attributes.boolean("transparency-log").value_or(config.transparency_log);
    if (!config.sign && !config.provenance) {
        for (const auto* name : {"fulcio-url", "rekor-url", "transparency-log"}) {
            if (attributes.has(name)) {
                fail(Error::invalid_config(fmt::format("{} is set, yet nothing is signed; add sign: true or "
                                                       "provenance: true, or remove it", name)));
            }
        }
    }
    if (!config.transparency_log && attributes.has("rekor-url")) {
        fail(Error::invalid_config("transparency-log: false, yet rekor-url is set; remove one"));
    }
    if ((config.sign || config.provenance) && !config.push) {
        fail(Error::invalid_config(fmt::format("{}: true, yet push: false; only a pushed image can be signed, "
                                               "so remove one", config.sign ? "sign" : "provenance")));
    }
    if (config.provenance && (!config.index.empty() || !config.platforms.empty())) {
        fail(Error::invalid_config(fmt::format("provenance: true describes one build, yet {} is set; put it on the "
                                               "step of each platform (platform: ...), and sign: true here",
                                               config.index.empty() ? "platforms" : "index")));
    }
}

Config parse(const json::object& object) {
    for (const auto& entry : object) {
        const auto known = std::any_of(k_attributes.begin(), k_attributes.end(),
                                       [&](const AttributeSpec& spec) { return spec.name == entry.key(); });
        if (!known) fail(unknown_attribute(entry.key()));
    }
    const Attributes attributes(object);
    Config config;

    const auto image = attributes.string("image");
    if (!image) fail(missing_image());
    if (!is_valid_repository(*image)) {
        fail(Error::invalid_attribute("image", *image,
                                      "is not a valid repository name; use lowercase letters, digits and . _ - "
                                      "separators, with / between components (e.g. team/api)"));
    }
    config.image = *image;

    config.registry = attributes.string("registry");
    if (config.registry) {
        if (config.registry->find("://") != std::string::npos) {
            fail(Error::invalid_attribute("registry", *config.registry,
                                          "must not include a scheme; write the host and optional path, e.g. "
                                          "ghcr.io/acme"));
        }
        if (!is_valid_registry(*config.registry)) {
            fail(Error::invalid_attribute("registry", *config.registry,
                                          "is not a registry; write host[:port][/path] with a port from 1 to 65535, e.g. ghcr.io/acme"));
        }
    }
    config.package_registry = attributes.string("package-registry");
    check_slug("package-registry", config.package_registry);
    if (config.registry && config.package_registry) {
        fail(Error::invalid_config(fmt::format(
            "registry: {} and package-registry: {} are both set; keep one (package-registry is a shorthand for "
            "registry: packages.buildkite.com/<organization>/<package-registry>)",
            quote_value(*config.registry), quote_value(*config.package_registry))));
    }
    config.organization = attributes.string("organization");
    check_slug("organization", config.organization);

    config.tags = attributes.list("tags", true);
    for (std::size_t i = 0; i < config.tags.size(); ++i) {
        if (!is_valid_tag(config.tags[i])) {
            fail(Error::invalid_attribute(item_name("tags", i, config.tags.size()), config.tags[i],
                                          "is not a valid tag; use up to 128 of A-Z a-z 0-9 _ . -, not starting "
                                          "with . or -"));
        }
    }

    if (const auto context = attributes.string("context")) config.context = checkout_path("context", *context);
    const auto dockerfile = attributes.string("dockerfile").value_or("Dockerfile");
    if (dockerfile.starts_with('/')) {
        fail(Error::invalid_attribute("dockerfile", dockerfile,
                                      "is absolute; give a path relative to the context"));
    }
    config.dockerfile = checkout_path("dockerfile", config.context + "/" + dockerfile);

    config.build_args = attributes.list("build-args");
    for (std::size_t i = 0; i < config.build_args.size(); ++i) {
        if (!is_build_arg(config.build_args[i])) {
            fail(Error::invalid_attribute(fmt::format("build-args[{}]", i), config.build_args[i],
                                          "is not a build argument; use KEY=VALUE, or KEY to pass the job's "
                                          "environment variable"));
        }
    }
    config.secrets = attributes.secrets("secrets");
    for (std::size_t i = 0; i < config.secrets.size(); ++i) {
        const auto& secret = config.secrets[i];
        const bool plain = secret.source == BuildSecret::Source::env && secret.name == secret.id;
        const auto label = fmt::format("secrets[{}]", i);
        if (!is_name(secret.id)) {
            fail(Error::invalid_attribute(plain ? label : label + ".id", secret.id,
                                          "is not a secret ID; use letters, digits and _ . -, as in "
                                          "RUN --mount=type=secret,id=ID"));
        }
        if (secret.source == BuildSecret::Source::env && !is_identifier(secret.name)) {
            fail(Error::invalid_attribute(plain ? label : label + ".env", secret.name,
                                          "is not an environment variable's name; for other IDs write "
                                          "{id: ID, env: VARIABLE}"));
        }
        if (secret.source == BuildSecret::Source::file && !secret.name.starts_with('/')) {
            fail(Error::invalid_attribute(label + ".file", secret.name,
                                          "is not an absolute path; give the file's path on the agent, outside the "
                                          "checkout"));
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (config.secrets[j].id == secret.id) {
                fail(Error::invalid_attribute(label, secret.id, fmt::format("is given twice (also secrets[{}])", j)));
            }
        }
    }
    config.target = attributes.string("target");
    if (config.target && !is_name(*config.target)) {
        fail(Error::invalid_attribute("target", *config.target,
                                      "is not a stage name; use the name after AS in the Dockerfile's FROM line"));
    }
    config.labels = attributes.list("labels");
    for (std::size_t i = 0; i < config.labels.size(); ++i) {
        if (!is_label(config.labels[i])) {
            fail(Error::invalid_attribute(fmt::format("labels[{}]", i), config.labels[i],
                                          "is not a label; use KEY=VALUE, e.g. org.opencontainers.image.source=..."));
        }
    }
    if (const auto platform = attributes.string("platform")) config.platform = platform_of("platform", *platform);
    config.platforms = platform_list(attributes, "platforms");
    config.index = platform_list(attributes, "index");
    const std::array<std::string_view, 3> forms{"platform", "platforms", "index"};
    std::vector<std::string_view> given;
    std::copy_if(forms.begin(), forms.end(), std::back_inserter(given),
                 [&](std::string_view form) { return attributes.has(form); });
    if (given.size() > 1) {
        fail(Error::invalid_config(fmt::format(
            "{} and {} are both set; keep one: platform builds one platform, platforms builds several here "
            "and pushes their index, index pushes the index of platforms built by other steps",
            given[0], given[1])));
    }

    config.network = attributes.string("network");
    if (config.network && !is_name(*config.network)) {
        fail(Error::invalid_attribute("network", *config.network,
                                      "is not a Docker network name; use host, none, bridge or a network you created"));
    }

    config.cache = attributes.boolean("cache").value_or(config.cache);
    config.cache_repo = attributes.string("cache-repo");
    if (config.cache_repo && !(is_valid_registry(*config.cache_repo) && config.cache_repo->find('/') != std::string::npos)) {
        fail(Error::invalid_attribute("cache-repo", *config.cache_repo,
                                      "is not a repository; write host/path without a tag, e.g. "
                                      "ghcr.io/acme/app-cache"));
    }
    config.cache_ttl = attributes.string("cache-ttl");
    if (config.cache_ttl && !is_duration(*config.cache_ttl)) {
        fail(Error::invalid_attribute("cache-ttl", *config.cache_ttl,
                                      "is not a duration; use a Go duration such as 168h or 30m"));
    }
    config.cache_push = attributes.boolean("cache-push");
    if (!config.cache && (config.cache_repo || config.cache_ttl || config.cache_push)) {
        fail(Error::invalid_config(fmt::format("cache: false, yet {} is set; remove it or turn the cache on",
                                               config.cache_repo  ? "cache-repo"
                                               : config.cache_ttl ? "cache-ttl"
                                                                  : "cache-push")));
    }

    config.push = attributes.boolean("push").value_or(config.push);
    if (const auto auth = attributes.string("auth")) config.auth = parse_auth(*auth);
    config.oidc_audience = attributes.string("oidc-audience");
    if (config.oidc_audience && !all_of(*config.oidc_audience, [](char c) { return !is_ascii_space(c); })) {
        fail(Error::invalid_attribute("oidc-audience", *config.oidc_audience,
                                      "contains white space; use the registry URL, e.g. "
                                      "https://packages.buildkite.com/acme/images"));
    }
    if (const auto lifetime = attributes.integer("oidc-lifetime")) {
        if (*lifetime < 1 || *lifetime > k_max_oidc_lifetime) {
            fail(Error::invalid_attribute("oidc-lifetime", std::to_string(*lifetime),
                                          fmt::format("is out of range; use seconds from 1 to {}", k_max_oidc_lifetime)));
        }
        config.oidc_lifetime = static_cast<int>(*lifetime);
    }
    if ((config.oidc_audience || object.contains("oidc-lifetime")) && config.auth && *config.auth != Auth::oidc) {
        fail(Error::invalid_config(fmt::format("auth: {} does not request an OIDC token, yet oidc-{} is set; remove "
                                               "it or use auth: oidc",
                                               quote_value(to_string(*config.auth)),
                                               config.oidc_audience ? "audience" : "lifetime")));
    }

    config.kaniko_image = attributes.string("kaniko-image");
    if (config.kaniko_image) {
        if (const auto ref = parse_reference(*config.kaniko_image); !ref) {
            fail(Error::invalid_attribute("kaniko-image", *config.kaniko_image,
                                          fmt::format("is not an image reference; e.g. {}", k_default_executor_image)));
        }
    }
    if (const auto executor = attributes.string("executor")) config.executor = parse_executor(*executor);
    if (const auto path = attributes.string("executor-path")) {
        if (!path->starts_with('/')) {
            fail(Error::invalid_attribute("executor-path", *path,
                                          "is not an absolute path; give the executor binary's path, e.g. "
                                          "/kaniko/executor"));
        }
        config.executor_path = *path;
    }
    config.debug = attributes.boolean("debug").value_or(config.debug);
    config.verbosity = attributes.string("verbosity");
    if (config.verbosity && !is_valid_verbosity(*config.verbosity)) {
        fail(Error::invalid_attribute("verbosity", *config.verbosity,
                                      fmt::format("is not a Kaniko log level; use {}", k_verbosity_levels)));
    }
    config.extra_args = attributes.list("extra-args");
    config.annotate = attributes.boolean("annotate").value_or(config.annotate);
    config.helper = attributes.string("helper");
    // The hooks use it before the helper exists; checked here too so that `plan` names a bad one.
    config.helper_url = attributes.string("helper-url");
    if (config.helper_url && !config.helper_url->starts_with("https://") && !config.helper_url->starts_with("http://")) {
        fail(Error::invalid_attribute("helper-url", *config.helper_url,
                                      "is not an http(s) URL; give the folder that holds the release tarballs"));
    }

    config.registry_certificates =
        attributes.string_map("registry-certificates", "an object of host[:port]: CA certificate file");
    for (const auto& [host, file] : config.registry_certificates) {
        if (!is_registry_host(host)) {
            fail(Error::invalid_attribute("registry-certificates", host,
                                          "is not a registry host; use host[:port] as keys, e.g. registry.local:5000"));
        }
        if (!file.starts_with('/')) {
            fail(Error::invalid_attribute(fmt::format("registry-certificates.{}", host), file,
                                          "is not an absolute path; give the CA certificate file's path on the agent"));
        }
    }
    config.insecure_registries = attributes.list("insecure-registries");
    for (std::size_t i = 0; i < config.insecure_registries.size(); ++i) {
        if (!is_registry_host(config.insecure_registries[i])) {
            fail(Error::invalid_attribute(fmt::format("insecure-registries[{}]", i), config.insecure_registries[i],
                                          "is not a registry host; use host[:port], e.g. 127.0.0.1:5000"));
        }
    }
    config.preflight = attributes.boolean("preflight").value_or(config.preflight);
    config.skip_if_exists = attributes.boolean("skip-if-exists").value_or(config.skip_if_exists);
    config.verify = attributes.boolean("verify").value_or(config.verify);
    parse_signing(attributes, config);
    return config;
}

}  // namespace

std::string_view to_string(Auth auth) {
    switch (auth) {
    case Auth::oidc: return "oidc";
    case Auth::docker_config: return "docker-config";
    case Auth::none: return "none";
    }
    return "?";
}

std::span<const AttributeSpec> attribute_specs() { return k_attributes; }

bool is_valid_slug(std::string_view slug) {
    return slug.find('/') == std::string_view::npos && is_valid_repository(slug);
}

bool is_valid_verbosity(std::string_view level) {
    constexpr std::array levels{"panic", "fatal", "error", "warn", "info", "debug", "trace"};
    return std::find(levels.begin(), levels.end(), level) != levels.end();
}

std::optional<std::string> normalize_checkout_path(std::string_view path) {
    if (path.empty() || path.starts_with('/')) return std::nullopt;
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const auto slash = path.find('/');
        const auto part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (parts.empty()) return std::nullopt;
            parts.pop_back();
        } else {
            parts.push_back(part);
        }
    }
    std::string out;
    for (const auto part : parts) {
        out += out.empty() ? "" : "/";
        out += part;
    }
    return out.empty() ? "." : out;
}

Expected<Config> parse_config(std::string_view text) {
    if (const auto offset = invalid_utf8_offset(text)) {
        return Error::invalid_config(fmt::format("the plugin configuration is not valid UTF-8: byte 0x{:02x} at offset "
                                                 "{}; write attribute values as UTF-8 text",
                                                 static_cast<unsigned char>(text[*offset]), *offset));
    }
    json::stream_parser parser;
    boost::system::error_code ec;
    const auto consumed = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
        return Error::invalid_config(
            fmt::format("the plugin configuration is not valid JSON: {} at offset {}", ec.message(), consumed));
    }
    const auto value = parser.release();
    if (const auto key = duplicate_key(text)) {
        return Error::invalid_config(fmt::format("{}: is given twice in the plugin configuration; keep one",
                                                 quote_value(*key)));
    }
    if (value.is_null()) return missing_image();
    if (!value.is_object()) {
        return Error::invalid_config(fmt::format(
            "the plugin configuration is {}; expected attributes such as `image: hello-kaniko`", type_name(value)));
    }
    try {
        return parse(value.as_object());
    } catch (const Error& error) {
        return error;
    }
}

}  // namespace kaniko
