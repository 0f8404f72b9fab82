#!/usr/bin/env bats
# A stock agent: a fresh copy of the plugin (no build/), no cmake and no compiler on PATH, runs the real
# hooks/command with the stand-ins. The hook downloads the release helper from a loopback HTTP server
# standing for the GitHub release, verifies it against the copy's helper-checksums.txt, unpacks it and
# runs it. The release tarball is packed (scripts/lib/pack.bash) from the static helper that
# scripts/test builds into build-static/; KANIKO_STATIC_HELPER names another.

bats_require_minimum_version 1.5.0
load ../bats/helpers
load registry
# shellcheck source=scripts/lib/pack.bash
. "${PLUGIN_DIR}/scripts/lib/pack.bash"

setup_file() {
  use_static_helper
  SERVICES="$(mktemp -d /tmp/kaniko-download.XXXXXX)"
  VERSION="$(cat "${PLUGIN_DIR}/VERSION")"
  ARCH="$(release_arch)"
  TARBALL="kaniko-buildkite-helper-${VERSION}-linux-${ARCH}.tar.gz"
  export SERVICES VERSION ARCH TARBALL

  pack_helper "${STATIC_HELPER}" "${PLUGIN_DIR}/LICENSE" "${VERSION}" "${ARCH}" 0 "${SERVICES}/www/release"
  SUM="$(sha256sum "${SERVICES}/www/release/${TARBALL}" | cut -d ' ' -f 1)"
  export SUM
  # What a compromised mirror would serve: a helper that leaves a marker when it runs.
  mkdir -p "${SERVICES}/tampered/kaniko-buildkite-helper-${VERSION}-linux-${ARCH}"
  printf '#!/bin/sh\ntouch "%s/tampered-helper-ran"\n' "${SERVICES}" \
    >"${SERVICES}/tampered/kaniko-buildkite-helper-${VERSION}-linux-${ARCH}/kaniko-buildkite-helper"
  chmod 0755 "${SERVICES}/tampered/kaniko-buildkite-helper-${VERSION}-linux-${ARCH}/kaniko-buildkite-helper"
  mkdir -p "${SERVICES}/www/tampered"
  tar -C "${SERVICES}/tampered" -czf "${SERVICES}/www/tampered/${TARBALL}" "kaniko-buildkite-helper-${VERSION}-linux-${ARCH}"

  local port
  port="$(start_file_server "${SERVICES}" "${SERVICES}/www")"
  RELEASE_URL="http://127.0.0.1:${port}/release"
  # A port nothing listens on: a server that is down.
  DOWN_URL="http://127.0.0.1:$(free_port)/release"
  export RELEASE_URL DOWN_URL

  # Every program on this machine except the build tools.
  export TOOLS="${SERVICES}/bin"
  mkdir -p "${TOOLS}"
  for dir in /usr/local/bin /usr/bin /bin; do
    for tool in "${dir}"/*; do
      [[ -e "${TOOLS}/${tool##*/}" ]] || ln -s "${tool}" "${TOOLS}/${tool##*/}"
    done
  done
  rm -f "${TOOLS}"/{cmake,ctest,cpack,ninja,make,cc,c++,cpp,gcc,g++,clang,clang++} "${TOOLS}"/clang*-[0-9]* \
    "${TOOLS}"/*-linux-gnu-{gcc,g++,c++,cpp}*
  for tool in cmake c++ g++ gcc clang; do
    if PATH="${TOOLS}" command -v "${tool}" >/dev/null; then
      echo "${tool} is still on the PATH of the tests" >&3
      return 1
    fi
  done
}

teardown_file() {
  [[ -n "${SERVICES:-}" ]] || return 0
  stop_services "${SERVICES}"
  rm -rf "${SERVICES}"
}

setup() {
  kaniko_setup
  unset KANIKO_HELPER KANIKO_HELPER_DOWNLOAD
  export KANIKO_HELPER_URL="${RELEASE_URL}"
  plugin_config '{"image":"hello-kaniko","package-registry":"my-container-registry","preflight":false,"verify":false}'
  export FRESH="${BATS_TEST_TMPDIR}/plugin"
  fresh_copy "${PLUGIN_DIR}" "${FRESH}"
  printf '# kaniko-buildkite-helper %s\n%s  %s\n' "${VERSION}" "${SUM}" "${TARBALL}" >"${FRESH}/helper-checksums.txt"
  export PATH="${PLUGIN_DIR}/tests/stand-ins:${TOOLS}"
  : >"${SERVICES}/requests"
  export UNPACKED="${FRESH}/.helper/${VERSION}-${ARCH}/kaniko-buildkite-helper"
}

# run_fresh_hook NAME: hooks/NAME of the fresh copy, sourced from a wrapper as the agent does.
run_fresh_hook() {
  run bash -c 'cd "$1" && source "$2"' wrapper "${CHECKOUT}" "${FRESH}/hooks/$1"
}

requests() { grep -c "^GET /" "${SERVICES}/requests" || true; }

# busybox_only: a PATH of busybox's applets and nothing else.
busybox_only() {
  local bin="${BATS_TEST_TMPDIR}/busybox-bin" applet
  if [[ ! -d "${bin}" ]]; then
    mkdir -p "${bin}"
    for applet in $(busybox --list); do ln -s /bin/busybox "${bin}/${applet}"; done
  fi
  echo "${bin}"
}

executor_started() { grep -q '^run ' "${STAND_IN_DIR}/docker-calls"; }

assert_nothing_half_done() {
  run find "${FRESH}/.helper" -mindepth 1 -maxdepth 1 -name '.*'
  assert_output ""
}

@test "a fresh agent downloads, verifies, unpacks and runs the release helper" {
  [[ ! -e "${FRESH}/build" ]]
  run_fresh_hook command
  assert_success
  assert_line --partial "Downloading the kaniko plugin helper ${VERSION} (linux-${ARCH})"
  assert_equal "$(requests)" 1
  grep -qx "GET /release/${TARBALL} 200" "${SERVICES}/requests"
  assert_file_executable "${UNPACKED}"
  assert_file_exist "${FRESH}/.helper/${VERSION}-${ARCH}/LICENSE"
  assert_equal "$("${UNPACKED}" version)" "kaniko-buildkite-helper ${VERSION}"
  executor_started
  assert_output --partial "kaniko: pushed packages.buildkite.com/acme/my-container-registry/hello-kaniko"
  assert_nothing_half_done
  # pre-exit finds the same helper, and never downloads.
  run_fresh_hook pre-exit
  assert_success
  assert_equal "$(requests)" 1
}

@test "a second job reuses the unpacked helper without a request" {
  run_fresh_hook command
  assert_success
  : >"${STAND_IN_DIR}/docker-calls"
  BUILDKITE_JOB_ID="${BUILDKITE_JOB_ID}-second" run_fresh_hook command
  assert_success
  refute_output --partial "Downloading"
  executor_started
  assert_equal "$(requests)" 1
}

@test "four concurrent first jobs make one request" {
  local jobs=()
  for job in 1 2 3 4; do
    (
      cd "${CHECKOUT}"
      BUILDKITE_JOB_ID="concurrent-${job}-$$" bash -c 'source "$1"' wrapper "${FRESH}/hooks/command" \
        >"${BATS_TEST_TMPDIR}/job-${job}.log" 2>&1
      echo "$?" >"${BATS_TEST_TMPDIR}/job-${job}.status"
    ) &
    jobs+=("$!")
  done
  # The jobs only: with BATS_TEST_TIMEOUT, bats's own watchdog is a child of this shell too.
  wait "${jobs[@]}"
  for job in 1 2 3 4; do
    assert_equal "$(cat "${BATS_TEST_TMPDIR}/job-${job}.status")" 0
  done
  assert_equal "$(requests)" 1
  assert_equal "$(grep -c '^run ' "${STAND_IN_DIR}/docker-calls")" 4
  assert_nothing_half_done
}

@test "a tampered tarball is deleted, never runs, and the error names both sums" {
  export KANIKO_HELPER_URL="${RELEASE_URL%/release}/tampered"
  tampered_sum="$(sha256sum "${SERVICES}/www/tampered/${TARBALL}" | cut -d ' ' -f 1)"
  run_fresh_hook command
  assert_failure 1
  assert_output --partial "has sha256 ${tampered_sum}, but helper-checksums.txt in the plugin says ${SUM}"
  assert_equal "$(requests)" 1
  assert_file_not_exist "${SERVICES}/tampered-helper-ran"
  assert_file_not_exist "${FRESH}/.helper/${VERSION}-${ARCH}"
  assert_nothing_half_done
  run ! executor_started
}

@test "a server that is down, without build tools: one error naming the three ways out" {
  export KANIKO_HELPER_URL="${DOWN_URL}"
  run_fresh_hook command
  assert_failure 2
  assert_line --partial "could not download ${KANIKO_HELPER_URL}/${TARBALL} (3 tries)"
  assert_line --partial "kaniko: no helper on this agent: the release helper could not be downloaded (above), and it cannot be built (cmake, c++ not found). Either install a release helper and set KANIKO_HELPER"
  assert_output --partial "or let the agent download it"
  assert_output --partial "or install the build tools"
  run ! executor_started
  assert_nothing_half_done
}

@test "a release that is not published (404): one request, one line with the URL, the version and the ways out" {
  export KANIKO_HELPER_URL="${RELEASE_URL%/release}/not-published"
  run_fresh_hook command
  assert_failure 2
  assert_equal "$(requests)" 1
  assert_line "kaniko: ${KANIKO_HELPER_URL}/${TARBALL} answered 404 Not Found: release ${VERSION} of the helper is not published there. Pre-install it with scripts/install-helper (README, \"Pre-installing the helper\"), or set helper-url to a mirror that serves ${TARBALL}"
  refute_output --partial "with access to"
  refute_output --partial "3 tries"
  run ! executor_started
  assert_nothing_half_done
}

@test "busybox wget's 404 is final too; a 503 is tried three times" {
  # shellcheck disable=SC2016 # expanded by busybox sh
  run env -i PATH="$(busybox_only)" KANIKO_HELPER_URL="${RELEASE_URL%/release}/not-published" FRESH="${FRESH}" \
    /bin/busybox sh -c 'kaniko_plugin_dir="${FRESH}"; . "${FRESH}/lib/helper.sh"; kaniko_helper_path build'
  assert_failure 2
  assert_equal "$(requests)" 1
  assert_line --partial "answered 404 Not Found: release ${VERSION} of the helper is not published there"
  : >"${SERVICES}/requests"
  export KANIKO_HELPER_URL="${RELEASE_URL%/release}/unavailable"
  run_fresh_hook command
  assert_failure 2
  assert_equal "$(requests)" 3
  assert_line --partial "answered 503"
  assert_line --partial "could not download ${KANIKO_HELPER_URL}/${TARBALL} (3 tries)"
}

@test "a server that is down, with build tools: the helper is built from source" {
  export KANIKO_HELPER_URL="${DOWN_URL}"
  export PATH="${PLUGIN_DIR}/tests/stand-ins:/usr/local/bin:/usr/bin:/bin"
  run_fresh_hook command
  assert_success
  assert_output --partial "could not download"
  assert_output --partial "Building the kaniko plugin helper"
  assert_file_executable "${FRESH}/build/kaniko-buildkite-helper"
  assert_file_not_exist "${UNPACKED}"
  executor_started
}

@test "KANIKO_HELPER_DOWNLOAD=false never opens a connection" {
  export KANIKO_HELPER_DOWNLOAD=false
  run_fresh_hook command
  assert_failure 2
  assert_output --partial "no helper on this agent: downloading the release helper is off (KANIKO_HELPER_DOWNLOAD=false)"
  assert_equal "$(requests)" 0
  assert_file_not_exist "${FRESH}/.helper/${VERSION}-${ARCH}"
}

@test "KANIKO_HELPER_DOWNLOAD other than true or false is a configuration error" {
  export KANIKO_HELPER_DOWNLOAD=maybe
  run_fresh_hook command
  assert_failure 2
  assert_output 'kaniko: KANIKO_HELPER_DOWNLOAD is "maybe"; it must be true or false'
  assert_equal "$(requests)" 0
}

@test "checksums for another version: nothing is downloaded" {
  sed -i "s/${VERSION}/0.0.1/g" "${FRESH}/helper-checksums.txt"
  run_fresh_hook command
  assert_failure 2
  assert_output --partial "helper-checksums.txt names no release helper kaniko-buildkite-helper-${VERSION}-linux-${ARCH}"
  assert_equal "$(requests)" 0
}

@test "the helper-url attribute wins over KANIKO_HELPER_URL" {
  export KANIKO_HELPER_URL="${DOWN_URL}"
  plugin_config "{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",\"preflight\":false,\"verify\":false,\"helper-url\":\"${RELEASE_URL}/\"}"
  export BUILDKITE_PLUGIN_KANIKO_HELPER_URL="${RELEASE_URL}/"
  run_fresh_hook command
  assert_success
  grep -qx "GET /release/${TARBALL} 200" "${SERVICES}/requests"
}

@test "the lock of a killed download is taken over" {
  bash -c 'exit 0' &
  dead_pid=$!
  wait "${dead_pid}"
  mkdir -p "${FRESH}/.helper/.lock" "${FRESH}/.helper/.download.abcdef"
  echo "${dead_pid} $(cat /proc/sys/kernel/hostname)" >"${FRESH}/.helper/.lock/owner"
  run_fresh_hook command
  assert_success
  assert_output --partial "taking over the download lock of process ${dead_pid}, which has ended"
  assert_equal "$(requests)" 1
  assert_nothing_half_done
}

@test "under busybox sh with only busybox's tools, busybox wget downloads it" {
  # shellcheck disable=SC2016 # expanded by busybox sh
  run env -i PATH="$(busybox_only)" KANIKO_HELPER_URL="${RELEASE_URL}" FRESH="${FRESH}" \
    /bin/busybox sh -c 'kaniko_plugin_dir="${FRESH}"; . "${FRESH}/lib/helper.sh"; kaniko_helper_path build'
  assert_success
  assert_line "${UNPACKED}"
  assert_equal "$(requests)" 1
  assert_equal "$("${UNPACKED}" version)" "kaniko-buildkite-helper ${VERSION}"
}

@test "scripts/install-helper pre-installs a verified helper; a job then needs no download" {
  mkdir -p "${BATS_TEST_TMPDIR}/agent-bin"
  run "${FRESH}/scripts/install-helper" "${BATS_TEST_TMPDIR}/agent-bin"
  assert_success
  assert_line "kaniko-buildkite-helper ${VERSION}"
  assert_line "Set KANIKO_HELPER=${BATS_TEST_TMPDIR}/agent-bin/kaniko-buildkite-helper in the agent's environment."
  assert_equal "$(requests)" 1

  # Another checkout of the plugin on that agent: the installed helper runs, nothing is fetched.
  rm -rf "${FRESH}/.helper"
  export KANIKO_HELPER="${BATS_TEST_TMPDIR}/agent-bin/kaniko-buildkite-helper"
  run_fresh_hook command
  assert_success
  executor_started
  assert_equal "$(requests)" 1
  assert_file_not_exist "${FRESH}/.helper"
}

@test "scripts/install-helper refuses a tampered tarball and installs nothing" {
  export KANIKO_HELPER_URL="${RELEASE_URL%/release}/tampered"
  mkdir -p "${BATS_TEST_TMPDIR}/agent-bin"
  run "${FRESH}/scripts/install-helper" "${BATS_TEST_TMPDIR}/agent-bin"
  assert_failure 3
  assert_output --partial "but helper-checksums.txt in the plugin says ${SUM}"
  assert_file_not_exist "${BATS_TEST_TMPDIR}/agent-bin/kaniko-buildkite-helper"
  assert_file_not_exist "${SERVICES}/tampered-helper-ran"
}

@test "a helper-url that is not an http(s) URL is a configuration error, and nothing is fetched" {
  export BUILDKITE_PLUGIN_KANIKO_HELPER_URL="file:///${SERVICES}/www/release"
  run_fresh_hook command
  assert_failure 2
  assert_output "kaniko: helper-url: \"file:///${SERVICES}/www/release\" is not an http(s) URL; give the folder that holds the release tarballs"
  assert_equal "$(requests)" 0
  assert_file_not_exist "${UNPACKED}"
}

@test "a lock that names no owner is taken over" {
  mkdir -p "${FRESH}/.helper/.lock"
  run_fresh_hook command
  assert_success
  assert_output --partial "taking over the download lock ${FRESH}/.helper/.lock, which names no owner"
  assert_equal "$(requests)" 1
}
