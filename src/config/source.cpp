#include "config/source.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "config/config.hpp"

namespace kaniko {

namespace json = boost::json;

namespace {

std::string variable_suffix(std::string_view attribute) {
    std::string out;
    for (const char c : attribute) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string attribute_name(std::string_view suffix) {
    std::string out;
    for (const char c : suffix) out += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

json::value flat_scalar(const AttributeSpec& spec, const std::string& text) {
    if (spec.kind == AttributeKind::boolean && (text == "true" || text == "false")) return text == "true";
    return json::string(text);
}

bool is_index(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string from_flattened(const Environment& env) {
    const auto flat_prefix = fmt::format("BUILDKITE_PLUGIN_{}_", this_plugin_env_name(env));
    json::object object;
    std::vector<std::string> claimed;
    for (const auto& spec : attribute_specs()) {
        const auto name = flat_prefix + variable_suffix(spec.name);
        if (spec.kind == AttributeKind::object) {
            // Flattening turns host names into variable names and cannot be undone; say so.
            for (const auto& [variable, value] : env.all()) {
                if (!variable.starts_with(name + "_")) continue;
                object[spec.name] = json::string(fmt::format("{}={}", variable, value));
                claimed.push_back(variable);
            }
            continue;
        }
        if (spec.kind == AttributeKind::secret_list) {
            // Items are IDs (NAME_0) or objects (NAME_0_ID with NAME_0_ENV or NAME_0_FILE).
            json::array items;
            for (std::size_t i = 0;; ++i) {
                const auto item = fmt::format("{}_{}", name, i);
                if (env.is_set(item)) {
                    items.emplace_back(json::string(env.all().find(item)->second));
                    claimed.push_back(item);
                    continue;
                }
                json::object secret;
                for (const std::string_view key : {"id", "env", "file"}) {
                    const auto field = fmt::format("{}_{}", item, variable_suffix(key));
                    if (!env.is_set(field)) continue;
                    secret[key] = json::string(env.all().find(field)->second);
                    claimed.push_back(field);
                }
                if (secret.empty()) break;
                items.emplace_back(std::move(secret));
            }
            if (!items.empty()) object[spec.name] = std::move(items);
            continue;
        }
        if (env.is_set(name)) {
            object[spec.name] = flat_scalar(spec, env.all().find(name)->second);
            claimed.push_back(name);
            continue;
        }
        json::array items;
        for (std::size_t i = 0;; ++i) {
            const auto item = fmt::format("{}_{}", name, i);
            if (!env.is_set(item)) break;
            items.emplace_back(json::string(env.all().find(item)->second));
            claimed.push_back(item);
        }
        if (!items.empty()) object[spec.name] = std::move(items);
    }
    // Anything left over is an attribute the plugin does not know; pass it on so that validation names it.
    for (const auto& [name, value] : env.all()) {
        if (!name.starts_with(flat_prefix) || std::find(claimed.begin(), claimed.end(), name) != claimed.end()) continue;
        std::string_view suffix = std::string_view(name).substr(flat_prefix.size());
        if (const auto underscore = suffix.rfind('_'); underscore != std::string_view::npos && is_index(suffix.substr(underscore + 1))) {
            suffix = suffix.substr(0, underscore);
        }
        object[attribute_name(suffix)] = json::string(value);
    }
    return json::serialize(object);
}

}  // namespace

std::string plugin_name_of_key(std::string_view key) {
    key = key.substr(0, key.find('#'));
    while (key.ends_with('/')) key.remove_suffix(1);
    if (const auto slash = key.rfind('/'); slash != std::string_view::npos) key = key.substr(slash + 1);
    if (key.ends_with(".git")) key.remove_suffix(4);
    std::string name;
    for (const char c : key) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name.ends_with("-buildkite-plugin")) name.resize(name.size() - std::string_view("-buildkite-plugin").size());
    return name;
}

std::string plugin_env_name(std::string_view name) {
    std::string out;
    for (const char c : name) {
        out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                                                          : '_';
    }
    return out;
}

std::string this_plugin_env_name(const Environment& env) {
    const auto given = env.get("BUILDKITE_PLUGIN_NAME");
    return given && !given->empty() ? plugin_env_name(*given) : std::string("KANIKO");
}

Expected<std::string> plugin_configuration_json(const Environment& env) {
    if (const auto configuration = env.get("BUILDKITE_PLUGIN_CONFIGURATION")) return *configuration;
    if (const auto plugins = env.get("BUILDKITE_PLUGINS")) {
        boost::system::error_code ec;
        const auto value = json::parse(*plugins, ec);
        if (ec || !value.is_array()) {
            return Error::invalid_config(fmt::format("BUILDKITE_PLUGINS is not a JSON array of plugins ({})",
                                                     ec ? ec.message() : "wrong type"));
        }
        const auto name = this_plugin_env_name(env);
        for (const auto& entry : value.as_array()) {
            if (!entry.is_object()) continue;
            for (const auto& [key, configuration] : entry.as_object()) {
                if (plugin_env_name(plugin_name_of_key(key)) == name) return json::serialize(configuration);
            }
        }
    }
    return from_flattened(env);
}

}  // namespace kaniko
