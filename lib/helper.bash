#!/usr/bin/env bash
# Finds the helper binary that does the plugin's work. Sourced by the hooks; prints the path.

kaniko_plugin_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Order: the `helper` attribute, $KANIKO_HELPER, the plugin's own build, then a build from source.
# `build_if_missing` is "build" for the command hook; pre-exit never compiles.
kaniko_helper_path() {
  local build_if_missing="${1:-build}"
  local candidate
  for candidate in "${BUILDKITE_PLUGIN_KANIKO_HELPER:-}" "${KANIKO_HELPER:-}"; do
    if [[ -n "${candidate}" ]]; then
      if [[ -x "${candidate}" ]]; then
        printf '%s\n' "${candidate}"
        return 0
      fi
      # A configuration error, like every other: exit 2.
      echo "kaniko: the helper ${candidate} (from the helper attribute or KANIKO_HELPER) is not an executable file" >&2
      return 2
    fi
  done
  local built="${kaniko_plugin_dir}/build/kaniko-buildkite-helper"
  if [[ -x "${built}" ]]; then
    printf '%s\n' "${built}"
    return 0
  fi
  if [[ "${build_if_missing}" == "build" ]]; then
    "${kaniko_plugin_dir}/scripts/build-helper" >&2 || return 1
    printf '%s\n' "${built}"
    return 0
  fi
  return 1
}
