#include "sigstore/provenance.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "annotation/annotation.hpp"

namespace kaniko {

namespace json = boost::json;

namespace {

constexpr std::string_view k_retrieving_image = "Retrieving image ";
// Longer lines are no Kaniko log line about an image; what is held stays bounded.
constexpr std::size_t k_longest_line = 8192;

json::value optional_string(const std::optional<std::string>& text) {
    return text ? json::value(json::string(*text)) : json::value(nullptr);
}

std::optional<std::string> non_empty(const Environment& env, std::string_view name) {
    auto value = env.get(std::string(name));
    if (!value || value->empty()) return std::nullopt;
    return value;
}

json::value parsed_or_text(std::string_view text) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    return ec ? json::value(json::string(text)) : value;
}

std::string git_ref(const ProvenanceFacts& facts) {
    return facts.tag ? "refs/tags/" + *facts.tag : "refs/heads/" + facts.branch;
}

}  // namespace

ProvenanceFacts job_provenance_facts(const Environment& env) {
    const auto value = [&](std::string_view name) { return env.get(std::string(name)).value_or(""); };
    ProvenanceFacts facts;
    facts.organization = value("BUILDKITE_ORGANIZATION_SLUG");
    facts.pipeline = value("BUILDKITE_PIPELINE_SLUG");
    facts.build_number = value("BUILDKITE_BUILD_NUMBER");
    facts.job_id = value("BUILDKITE_JOB_ID");
    facts.repository = value("BUILDKITE_REPO");
    facts.branch = value("BUILDKITE_BRANCH");
    facts.tag = non_empty(env, "BUILDKITE_TAG");
    facts.commit = value("BUILDKITE_COMMIT");
    facts.step_key = non_empty(env, "BUILDKITE_STEP_KEY");
    facts.command = non_empty(env, "BUILDKITE_COMMAND");
    facts.organization_id = non_empty(env, "BUILDKITE_ORGANIZATION_ID");
    facts.pipeline_id = non_empty(env, "BUILDKITE_PIPELINE_ID");
    return facts;
}

std::string invocation_id(const ProvenanceFacts& facts) {
    return fmt::format("https://buildkite.com/{}/{}/builds/{}#{}", facts.organization, facts.pipeline,
                       facts.build_number, facts.job_id);
}

std::string provenance_statement(const ProvenanceFacts& facts) {
    json::array dependencies{json::object{{"uri", fmt::format("git+{}@{}", facts.repository, git_ref(facts))},
                                          {"digest", json::object{{"gitCommit", facts.commit}}}}};
    for (const auto& base : facts.base_images) {
        json::object dependency{{"uri", "docker://" + base.reference}};
        if (const auto colon = base.digest.find(':'); colon != std::string::npos) {
            dependency["digest"] = json::object{{base.digest.substr(0, colon), base.digest.substr(colon + 1)}};
        }
        dependencies.push_back(std::move(dependency));
    }
    json::object internal;
    json::object buildkite;
    if (facts.organization_id) buildkite["organization_id"] = *facts.organization_id;
    if (facts.pipeline_id) buildkite["pipeline_id"] = *facts.pipeline_id;
    if (!buildkite.empty()) internal["buildkite"] = std::move(buildkite);

    const json::object external{
        {"pipeline", fmt::format("https://buildkite.com/{}/{}", facts.organization, facts.pipeline)},
        {"repository", facts.repository},
        {"build", json::object{{"branch", facts.branch}, {"tag", optional_string(facts.tag)}, {"commit", facts.commit}}},
        {"step", json::object{{"key", optional_string(facts.step_key)}, {"command", optional_string(facts.command)}}},
        {"plugin", json::object{{"configuration", parsed_or_text(facts.configuration)},
                                {"dockerfile", facts.dockerfile}}}};
    const auto colon = facts.digest.find(':');
    const json::object statement{
        {"_type", "https://in-toto.io/Statement/v1"},
        {"subject", json::array{json::object{
                        {"name", facts.subject},
                        {"digest", json::object{{facts.digest.substr(0, colon), facts.digest.substr(colon + 1)}}}}}},
        {"predicateType", k_slsa_provenance_type},
        {"predicate",
         json::object{{"buildDefinition", json::object{{"buildType", k_buildkite_build_type},
                                                       {"externalParameters", external},
                                                       {"internalParameters", std::move(internal)},
                                                       {"resolvedDependencies", std::move(dependencies)}}},
                      {"runDetails",
                       json::object{{"builder", json::object{{"id", fmt::format("{}@refs/tags/v{}", k_plugin_source,
                                                                                facts.builder_version)}}},
                                    {"metadata", json::object{{"invocationId", invocation_id(facts)},
                                                              {"startedOn", facts.started_on},
                                                              {"finishedOn", facts.finished_on}}}}}}}};
    return json::serialize(statement);
}

std::vector<std::string> base_images_in_log(const std::vector<std::string>& lines) {
    // Kaniko logs `INFO[<time>] Retrieving image <name> from registry <host>` once per base image it
    // pulls; a RUN's output that merely mentions the words is not such a line.
    constexpr std::string_view closing = " from registry ";
    std::vector<std::string> images;
    for (const auto& raw : lines) {
        const auto line = strip_terminal_escapes(raw);
        const auto stamp_end = line.find("] ");
        if (!line.starts_with("INFO[") || stamp_end == std::string::npos ||
            line.compare(stamp_end + 2, k_retrieving_image.size(), k_retrieving_image) != 0) {
            continue;
        }
        const auto from = stamp_end + 2 + k_retrieving_image.size();
        const auto end = line.find(closing, from);
        if (end == std::string::npos || end == from) continue;
        auto image = line.substr(from, end - from);
        if (image.find(' ') != std::string::npos) continue;
        if (std::find(images.begin(), images.end(), image) == images.end()) images.push_back(std::move(image));
    }
    return images;
}

void BaseImageLog::feed(std::string_view chunk) {
    for (std::size_t newline; (newline = chunk.find('\n')) != std::string_view::npos; chunk.remove_prefix(newline + 1)) {
        m_partial.append(chunk.substr(0, newline));
        if (m_partial.find(k_retrieving_image) != std::string::npos) m_lines.push_back(m_partial);
        m_partial.clear();
    }
    m_partial.append(chunk);
    if (m_partial.size() > k_longest_line) m_partial.clear();
}

std::vector<std::string> BaseImageLog::images() const {
    auto lines = m_lines;
    lines.push_back(m_partial);
    return base_images_in_log(lines);
}

}  // namespace kaniko
