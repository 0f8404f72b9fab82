#!/usr/bin/env bats
# plugin.yml, the README, the examples and the helper must agree; shell files must pass shellcheck.

load helpers

setup() {
  kaniko_setup
}

docs() { /usr/bin/python3 "${PLUGIN_DIR}/tests/docs/plugin_docs.py" "$@"; }

@test "every shell file passes shellcheck" {
  cd "${PLUGIN_DIR}"
  mapfile -t shell_files < <(find hooks lib scripts bench .ci tests/stand-ins tests/bats tests/integration -type f \
    \( -name '*.bash' -o -name '*.sh' -o -path 'hooks/*' -o -path 'scripts/*' -o -path '.ci/*' \
    -o -path 'tests/stand-ins/*' -o -name kaniko-push -o -name docker-witness \) -not -name '*.c' | sort)
  [[ "${#shell_files[@]}" -ge 15 ]]
  run shellcheck -x "${shell_files[@]}"
  assert_success
}

@test "plugin.yml holds a valid JSON Schema that requires image and rejects unknown attributes" {
  run docs check-schema
  assert_success
  assert_line "required: image"
  assert_line "additionalProperties: false"
}

@test "plugin.yml has the top-level keys Buildkite's plugin tooling expects, and no others" {
  run docs top-level
  assert_success
  assert_equal "$(sort <<<"${output}")" "author: a non-empty string
configuration: dict
description: a non-empty string
name: a non-empty string
requirements: 0 items"
}

@test "the plugin's pipeline tests every push as CI does, and releases a v* tag through the two scripts" {
  run docs pipeline
  assert_success
  assert_line "tests|-|.ci/run|"
  assert_line --regexp '^shellcheck\|-\|\|shellcheck#v[0-9.]+$'
  assert_line --regexp '^lint\|-\|\|plugin-linter#v[0-9.]+$'
  assert_line '-|build.tag =~ /^v/|scripts/release dist;scripts/publish-release "$${BUILDKITE_TAG}" dist|'
  # Every shell file it checks exists: a renamed script is not silently skipped.
  while read -r pattern; do
    compgen -G "${PLUGIN_DIR}/${pattern}" >/dev/null || fail ".buildkite/pipeline.yml names ${pattern}, which matches nothing"
  done < <(sed -n 's/^            - \(.*\)/\1/p' "${PLUGIN_DIR}/.buildkite/pipeline.yml")
}

@test "plugin.yml, the helper and the README name the same attributes" {
  helper="$("${KANIKO_HELPER}" attributes | sort)"
  schema="$(docs schema-attributes | sort)"
  readme="$(docs readme-attributes | sort)"
  assert_equal "${schema}" "${helper}"
  assert_equal "${readme}" "${helper}"
}

@test "every example configuration passes plugin.yml's schema and the helper's validation" {
  run docs examples
  assert_success
  configs="${output}"
  [[ "$(wc -l <<<"${configs}")" -ge 3 ]]
  export PACKAGE_REGISTRY_NAME=my-container-registry NPM_TOKEN=example
  while IFS= read -r config; do
    BUILDKITE_PLUGIN_CONFIGURATION="${config}" run "${KANIKO_HELPER}" validate
    if [[ "${status}" -ne 0 ]]; then
      fail "the helper rejects ${config}: ${output}"
    fi
  done <<<"${configs}"
}

@test "every example names this plugin by a reference that resolves to its repository, at VERSION" {
  version="$(cat "${PLUGIN_DIR}/VERSION")"
  # The agent expands ORG/NAME#REF to github.com/ORG/NAME-buildkite-plugin: plugin.yml's author.
  assert_equal "$(sed -n 's|^author: https://github.com/||p' "${PLUGIN_DIR}/plugin.yml")" kaniko-buildkite-plugin
  run docs references
  assert_success
  [[ "${#lines[@]}" -ge 4 ]]
  for line in "${lines[@]}"; do
    [[ "${line}" == *": kaniko-buildkite-plugin/kaniko#v${version}" ]] || fail "not this plugin at v${version}: ${line}"
  done
  assert_equal "$("${KANIKO_HELPER}" version)" "kaniko-buildkite-helper ${version}"
}

@test "the schema check catches a bad example" {
  # Proves the check above can fail: a copy of the README with an unknown attribute.
  copy="${BATS_TEST_TMPDIR}/plugin"
  mkdir -p "${copy}/tests/docs"
  cp "${PLUGIN_DIR}/plugin.yml" "${copy}/"
  cp "${PLUGIN_DIR}/tests/docs/plugin_docs.py" "${copy}/tests/docs/"
  printf '```yaml\nsteps:\n  - plugins:\n      - kaniko-buildkite-plugin/kaniko#v0.2.0:\n          image: app\n          colour: blue\n```\n' >"${copy}/README.md"
  run /usr/bin/python3 "${copy}/tests/docs/plugin_docs.py" examples
  assert_failure 1
  assert_output --partial "README.md yaml block 1: Additional properties are not allowed ('colour' was unexpected)"
}

@test "helper-checksums.txt gives a sha256 for each release helper of VERSION and for helper-buildinfo.txt" {
  version="$(cat "${PLUGIN_DIR}/VERSION")"
  for arch in amd64 arm64; do
    run grep -cE "^[0-9a-f]{64}  kaniko-buildkite-helper-${version}-linux-${arch}\.tar\.gz$" "${PLUGIN_DIR}/helper-checksums.txt"
    assert_output 1
  done
  grep -q "^# kaniko-buildkite-helper ${version}:" "${PLUGIN_DIR}/helper-checksums.txt"
  # The committed BUILDINFO is the one the release published.
  assert_equal "$(awk '$1 !~ /^#/ && $2 == "BUILDINFO" { print $1 }' "${PLUGIN_DIR}/helper-checksums.txt")" \
    "$(sha256sum <"${PLUGIN_DIR}/helper-buildinfo.txt" | cut -d' ' -f1)"
  grep -q "^# kaniko-buildkite-helper ${version}: what scripts/release built" "${PLUGIN_DIR}/helper-buildinfo.txt"
}

@test "the hooks and their library are POSIX sh" {
  cd "${PLUGIN_DIR}"
  run shellcheck --shell=sh -x hooks/command hooks/pre-exit lib/helper.sh scripts/install-helper
  assert_success
  for file in hooks/command hooks/pre-exit scripts/install-helper; do
    assert_equal "$(head -n 1 "${file}")" "#!/bin/sh"
  done
}
