#!/usr/bin/env bats
# Cancellation and clean-up: the command hook stopping the executor, and pre-exit removing leftovers.

load helpers

setup() {
  kaniko_setup
  plugin_config '{"image":"hello-kaniko","package-registry":"my-container-registry","preflight":false,"verify":false}'
}

# The stand-in executor's RUN runs as Kaniko runs one (in a process group of its own) and starts a
# background child: only removing the container ends them.
run_that_runs_on='sleep 2971 & sleep 2972'

@test "cancelling the job removes the credentials, then the container, and nothing of the build runs on" {
  export STAND_IN_EXECUTOR_RUN="${run_that_runs_on}"
  # The agent signals the hook's whole process group. This wrapper ignores SIGTERM, as `docker run`
  # does while it proxies the signal, so that only the helper can end the container.
  setsid bash -c 'trap "" TERM; cd "$1" && source "$2"; ' wrapper "${CHECKOUT}" "${PLUGIN_DIR}/hooks/command" \
    >"${BATS_TEST_TMPDIR}/log" 2>&1 &
  group=$!
  for _ in $(seq 100); do
    [[ "$(pgrep -c -x -f 'sleep 2972')" == 1 ]] && break
    sleep 0.1
  done
  assert_file_exist "${STAND_IN_DIR}/running-kaniko-${BUILDKITE_JOB_ID}"
  kill -TERM -- "-${group}"
  status=0
  wait "${group}" || status=$?
  assert_equal "${status}" 143
  run cat "${BATS_TEST_TMPDIR}/log"
  assert_output --partial "kaniko: cancelled: the executor's credentials are removed
kaniko: received signal 15; stopping the executor container kaniko-${BUILDKITE_JOB_ID}"
  assert_output --partial "kaniko: cancelled by signal 15"
  grep -q "^rm --force kaniko-${BUILDKITE_JOB_ID}\$" "${STAND_IN_DIR}/docker-calls"
  # At the first `docker rm` the credentials were gone already.
  assert_equal "$(head -n 1 "${STAND_IN_DIR}/credentials-at-rm")" absent
  assert_equal "$(count_alive 'sleep 2971')" 0
  assert_equal "$(count_alive 'sleep 2972')" 0
  assert_file_not_exist "${STAND_IN_DIR}/pushed-kaniko-${BUILDKITE_JOB_ID}"
  assert_equal "$(find "${TMPDIR}" -mindepth 1 | wc -l)" 0
}

@test "the agent's cancel: TERM to the job, TERM to the hook's group, then pre-exit; a fork is named as the agent names it" {
  plugin="${BATS_TEST_TMPDIR}/src/my-kaniko-buildkite-plugin"
  mkdir -p "${plugin}"
  cp -r "${PLUGIN_DIR}/hooks" "${PLUGIN_DIR}/lib" "${PLUGIN_DIR}/VERSION" "${PLUGIN_DIR}/helper-checksums.txt" "${plugin}/"
  unset BUILDKITE_PLUGIN_CONFIGURATION
  # The fork's hooks find the helper through its own flattened `helper` attribute.
  export BUILDKITE_PLUGINS="[{\"file://${plugin}#0123abc\":{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",\"preflight\":false,\"verify\":false,\"helper\":\"${KANIKO_HELPER}\"}}]"
  unset KANIKO_HELPER
  export BUILDKITE_BUILD_CHECKOUT_PATH="${CHECKOUT}" BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS=5
  export STAND_IN_EXECUTOR_RUN="${run_that_runs_on}"
  rm -rf "${TMPDIR}"
  # The job runs in a process group of its own, which is what the agent signals.
  "${IN_OWN_GROUP}" buildkite-agent bootstrap >"${BATS_TEST_TMPDIR}/log" 2>&1 &
  job=$!
  for _ in $(seq 100); do
    [[ "$(pgrep -c -x -f 'sleep 2972')" == 1 ]] && break
    sleep 0.1
  done
  kill -TERM -- "-${job}"
  status=0
  wait "${job}" || status=$?
  assert_equal "${status}" 255
  run cat "${BATS_TEST_TMPDIR}/log"
  assert_output --partial "The command exited with status -1"
  assert_output --partial "kaniko: received signal 15; stopping the executor container kaniko-${BUILDKITE_JOB_ID}"
  events="$(cat "${STAND_IN_DIR}/bootstrap-events")"
  hook_group="$(sed -n 's/^hook command started in process group //p' "${STAND_IN_DIR}/bootstrap-events")"
  assert_equal "${events}" "plugin my-kaniko (BUILDKITE_PLUGIN_MY_KANIKO_*) from ${plugin}
hook command started in process group ${hook_group}
TERM to process group ${hook_group}
command ended with 143
hook pre-exit started in process group $(sed -n 's/^hook pre-exit started in process group //p' "${STAND_IN_DIR}/bootstrap-events")
pre-exit ended with 0"
  # The helper ended the build within the grace period: no KILL was needed.
  assert_equal "$(head -n 1 "${STAND_IN_DIR}/credentials-at-rm")" absent
  assert_equal "$(count_alive 'sleep 2972')" 0
  assert_file_not_exist "${STAND_IN_DIR}/pushed-kaniko-${BUILDKITE_JOB_ID}"
  assert_equal "$(find "${TMPDIR}" -mindepth 1 -not -name 'buildkite-hook-wrapper-*' | wc -l)" 0
}

@test "a successful build's log carries none of the agent CLI's INFO lines" {
  run_hook command
  assert_success
  assert_output --partial "kaniko: pushed "
  refute_output --partial "INFO   Reading"
  # The stand-in does print them when the log level allows: the assertion above can fail.
  run bash -c 'printf x | buildkite-agent meta-data set probe'
  assert_output --partial "INFO   Reading meta-data value from STDIN"
}

@test "without the Job API the agent refuses a token, and the step says which call failed" {
  unset BUILDKITE_AGENT_JOB_API_SOCKET
  run_hook command
  assert_failure 1
  assert_output --partial "fatal: automatic OIDC token redaction requires the Job API"
  assert_output --partial "buildkite-agent oidc request-token --audience https://packages.buildkite.com/acme/my-container-registry failed (exit 1)"
  refute_executor_started
}

@test "pre-exit removes this job's leftovers and nobody else's" {
  # The names a build gives its private directories: kaniko-buildkite-<job>+<6 random characters>.
  mine="${TMPDIR}/kaniko-buildkite-${BUILDKITE_JOB_ID}+abc123"
  theirs="${TMPDIR}/kaniko-buildkite-another-job+def456"
  # Jobs whose IDs start with this one's, building at the same time on the same host.
  longer_id="${TMPDIR}/kaniko-buildkite-${BUILDKITE_JOB_ID}-2+ghi789"
  longer_suffix="${TMPDIR}/kaniko-buildkite-${BUILDKITE_JOB_ID}+abc123x"
  mkdir -p "${mine}/docker" "${theirs}/docker" "${longer_id}/docker" "${longer_suffix}/docker"
  echo '{"auths":{}}' >"${mine}/docker/config.json"
  echo '{"auths":{}}' >"${theirs}/docker/config.json"
  echo '{"auths":{}}' >"${longer_id}/docker/config.json"
  run_hook pre-exit
  assert_success
  assert_dir_not_exist "${mine}"
  assert_dir_exist "${theirs}"
  assert_file_exist "${longer_id}/docker/config.json"
  assert_dir_exist "${longer_suffix}"
  assert_output --partial "kaniko: removed ${mine}"
  assert_equal "$(cat "${STAND_IN_DIR}/docker-calls")" "rm --force kaniko-${BUILDKITE_JOB_ID}"
}

@test "pre-exit after a normal build is quiet and succeeds" {
  run_hook command
  assert_success
  run_hook pre-exit
  assert_success
  assert_output ""
}

@test "pre-exit never downloads or compiles: without a helper it does nothing" {
  copy="${BATS_TEST_TMPDIR}/plugin"
  mkdir -p "${copy}"
  cp -r "${PLUGIN_DIR}/hooks" "${PLUGIN_DIR}/lib" "${PLUGIN_DIR}/scripts" "${PLUGIN_DIR}/VERSION" \
    "${PLUGIN_DIR}/helper-checksums.txt" "${copy}/"
  unset KANIKO_HELPER
  # Were it to download, this would be a connection refused and a line on stderr.
  export KANIKO_HELPER_URL="http://127.0.0.1:9/release"
  run bash -c 'cd "$1" && source "$2"' wrapper "${CHECKOUT}" "${copy}/hooks/pre-exit"
  assert_success
  assert_output ""
  assert_dir_not_exist "${copy}/build"
  assert_dir_not_exist "${copy}/.helper"
}

@test "a helper attribute that is not an executable is a clear error" {
  export BUILDKITE_PLUGIN_KANIKO_HELPER="${BATS_TEST_TMPDIR}/missing-helper"
  run_hook command
  assert_failure 2
  assert_output "kaniko: the helper ${BATS_TEST_TMPDIR}/missing-helper (from the helper attribute or KANIKO_HELPER) is not an executable file"
}

@test "without a helper or build tools, the command hook says how to get one" {
  copy="${BATS_TEST_TMPDIR}/plugin"
  mkdir -p "${copy}" "${BATS_TEST_TMPDIR}/bin"
  cp -r "${PLUGIN_DIR}/hooks" "${PLUGIN_DIR}/lib" "${PLUGIN_DIR}/scripts" "${PLUGIN_DIR}/VERSION" "${copy}/"
  for tool in dirname bash uname; do ln -s "$(command -v "${tool}")" "${BATS_TEST_TMPDIR}/bin/${tool}"; done
  unset KANIKO_HELPER
  # tests/integration/helper-download.bats has the download; here it is off.
  run env PATH="${BATS_TEST_TMPDIR}/bin" KANIKO_HELPER_DOWNLOAD=false \
    /bin/bash -c 'cd "$1" && source "$2"' wrapper "${CHECKOUT}" "${copy}/hooks/command"
  assert_failure 2
  assert_output --partial "kaniko: no helper on this agent: downloading the release helper is off (KANIKO_HELPER_DOWNLOAD=false), and it cannot be built (cmake, c++, flock not found). Either install a release helper and set KANIKO_HELPER to it"
  assert_equal "${#lines[@]}" 1
  assert_file_not_exist "${STAND_IN_DIR}/docker-calls"
}
