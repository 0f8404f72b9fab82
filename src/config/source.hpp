#pragma once

#include <string>
#include <string_view>

#include "util/environment.hpp"
#include "util/error.hpp"

namespace kaniko {

// Whether a key of BUILDKITE_PLUGINS names this plugin: `kaniko#v1`, `acme/kaniko-buildkite-plugin#v1`,
// `https://github.com/acme/kaniko-buildkite-plugin.git#main` or a local path ending in `kaniko`.
bool is_kaniko_plugin_key(std::string_view key);

// This plugin's configuration as JSON text. In order: BUILDKITE_PLUGIN_CONFIGURATION, this plugin's
// entry in BUILDKITE_PLUGINS (both keep JSON types), then the flattened BUILDKITE_PLUGIN_KANIKO_*
// variables, where booleans arrive as "true"/"false" and are turned back into booleans.
Expected<std::string> plugin_configuration_json(const Environment& env);

}  // namespace kaniko
