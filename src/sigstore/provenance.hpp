#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/environment.hpp"

namespace kaniko {

inline constexpr std::string_view k_slsa_provenance_type = "https://slsa.dev/provenance/v1";
inline constexpr std::string_view k_buildkite_build_type = "https://buildkite.github.io/slsa-buildtypes/job/v1";
inline constexpr std::string_view k_plugin_source = "https://github.com/kaniko-buildkite-plugin/kaniko-buildkite-plugin";

// A base image as the executor named it, and the digest its registry resolved that name to.
struct BaseImage {
    std::string reference;
    std::string digest;  // empty when the registry could not be asked
};

// What the provenance states, gathered before it is rendered; the job's facts come from its
// environment, as Buildkite's build type says.
struct ProvenanceFacts {
    std::string subject;  // the image's repository
    std::string digest;
    std::string organization;
    std::string pipeline;
    std::string build_number;
    std::string job_id;
    std::string repository;
    std::string branch;
    std::optional<std::string> tag;
    std::string commit;
    std::optional<std::string> step_key;
    std::optional<std::string> command;
    std::optional<std::string> organization_id;
    std::optional<std::string> pipeline_id;
    std::string configuration;  // the plugin's configuration, JSON
    std::string dockerfile;
    std::vector<BaseImage> base_images;
    std::string builder_version;  // the plugin's
    std::string started_on;       // RFC 3339, UTC
    std::string finished_on;
};

ProvenanceFacts job_provenance_facts(const Environment& env);

// `https://buildkite.com/<org>/<pipeline>/builds/<n>#<job>`: the job, as Fulcio's certificate names it too.
std::string invocation_id(const ProvenanceFacts& facts);

// An in-toto statement whose subject is the image by digest, with SLSA provenance v1 in Buildkite's job build type.
std::string provenance_statement(const ProvenanceFacts& facts);

// The name and tag of the base images the executor pulled, from its log, each once, in order.
std::vector<std::string> base_images_in_log(const std::vector<std::string>& lines);

// The executor's lines that name a base image, kept as its output passes, however it is cut: they
// come first, long before the end that the relay keeps.
class BaseImageLog {
public:
    void feed(std::string_view chunk);
    std::vector<std::string> images() const;

private:
    std::string m_partial;
    std::vector<std::string> m_lines;
};

}  // namespace kaniko
