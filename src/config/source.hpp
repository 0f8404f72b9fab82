#pragma once

#include <string>
#include <string_view>

#include "util/environment.hpp"
#include "util/error.hpp"

namespace kaniko {

// The name the agent gives a plugin after a key of BUILDKITE_PLUGINS: the last part of its location,
// lower-cased, less `.git` and `-buildkite-plugin` (`acme/kaniko-buildkite-plugin#v1` is `kaniko`,
// a fork at `file:///src/my-kaniko-buildkite-plugin#abc` is `my-kaniko`).
std::string plugin_name_of_key(std::string_view key);

// A name as the agent puts it into variable names (BUILDKITE_PLUGIN_NAME, BUILDKITE_PLUGIN_<NAME>_*):
// upper-cased, with every other character than a letter or a digit an underscore.
std::string plugin_env_name(std::string_view name);

// This plugin's name as the agent gave it in BUILDKITE_PLUGIN_NAME (KANIKO, or a fork's), else KANIKO.
std::string this_plugin_env_name(const Environment& env);

// This plugin's configuration as JSON text. In order: BUILDKITE_PLUGIN_CONFIGURATION, this plugin's
// entry in BUILDKITE_PLUGINS (both keep JSON types), then the flattened BUILDKITE_PLUGIN_<NAME>_*
// variables, where booleans arrive as "true"/"false" and are turned back into booleans.
Expected<std::string> plugin_configuration_json(const Environment& env);

}  // namespace kaniko
