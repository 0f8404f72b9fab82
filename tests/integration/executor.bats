#!/usr/bin/env bats
# The assembled `docker run` against a real Docker engine, with a stand-in executor image tagged as the
# real one. Only buildkite-agent and the executor are stand-ins; docker, dockerd and the mounts are real.

load ../bats/helpers
load ../../scripts/lib/dockerd
load stand_in_executor

setup_file() {
  [[ "$(id -u)" == 0 ]] || skip "needs root to start a private dockerd"
  DOCKERD_DIR="$(mktemp -d /tmp/kaniko-dockerd.XXXXXX)"
  export DOCKERD_DIR
  start_dockerd "${DOCKERD_DIR}"
  build_stand_in_executor gcr.io/kaniko-project/executor:v1.24.0
}

teardown_file() {
  stop_dockerd "${DOCKERD_DIR}"
}

setup() {
  kaniko_setup
  use_real_docker
  [[ "$(command -v docker)" != *stand-ins* ]]
}

# The registry is out of reach here (tests/integration/registry.bats has a real one): no registry checks.
config_with() { plugin_config "{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",\"network\":\"none\",\"preflight\":false,\"verify\":false$1}"; }

# What the plugin must have written for the executor, byte for byte.
expected_config_sha256() {
  local token="$1"
  printf '{"auths":{"packages.buildkite.com":{"username":"buildkite","password":"%s","auth":"%s"}}}\n' \
    "${token}" "$(printf 'buildkite:%s' "${token}" | base64 -w0)" | sha256sum | cut -d' ' -f1
}

@test "the executor runs with the recipe's flags, the credentials read-only and the checkout mounted" {
  config_with ''
  run_hook command
  assert_success
  registry=packages.buildkite.com/acme/my-container-registry
  assert_line "executor-arg: --dockerfile=/workspace/Dockerfile"
  assert_line "executor-arg: --context=dir:///workspace"
  assert_line "executor-arg: --destination=${registry}/hello-kaniko:0123456789ab-42"
  assert_line "executor-arg: --cache-repo=${registry}/hello-kaniko-cache"
  assert_line "executor-arg: --digest-file=/kaniko/output/digest"
  assert_line "executor-env-container: docker"
  assert_line "executor-workspace: has Dockerfile"
  assert_line "executor-config-dir: read-only"
  assert_line "executor-config-sha256: $(expected_config_sha256 "$(last_token)")"
  # The digest the executor wrote is the one reported.
  digest="$(meta_data kaniko-digest:hello-kaniko)"
  [[ "${digest}" =~ ^sha256:[0-9a-f]{64}$ ]]
  assert_line "kaniko: pushed ${registry}/hello-kaniko@${digest}"
  refute_token_leaked "${CHECKOUT}" "${STAND_IN_DIR}/agent-calls"
  assert_equal "$(find "${TMPDIR}" -mindepth 1 | wc -l)" 0
  run docker ps -aq --filter "name=kaniko-${BUILDKITE_JOB_ID}"
  assert_output ""
}

@test "the executor's exit code passes through docker and the hook unchanged: 1 and 3" {
  config_with ',"extra-args":["--stand-in-exit=1"]'
  run_hook command
  assert_failure 1
  config_with ',"extra-args":["--stand-in-exit=3"]'
  run_hook command
  assert_failure 3
  assert_line "kaniko: the executor exited with code 3 building packages.buildkite.com/acme/my-container-registry/hello-kaniko"
}

@test "a build argument from the job environment reaches the executor without touching argv" {
  config_with ',"build-args":["NPM_TOKEN"]'
  export NPM_TOKEN=secret-of-length-22xx
  run_hook command
  assert_success
  assert_line "executor-env-NPM_TOKEN-length: ${#NPM_TOKEN}"
  assert_line "executor-arg: --build-arg=NPM_TOKEN"
  refute_output --partial "${NPM_TOKEN}"
}

@test "an executor image that is not there fails with docker's code and a hint" {
  config_with ',"kaniko-image":"127.0.0.1:9/missing/kaniko:v0"'
  run_hook command
  assert_failure 125
  assert_line --partial "kaniko: hint: Docker could not pull the executor image <code>127.0.0.1:9/missing/kaniko:v0</code>"
}

@test "a token refreshed during a long build reaches the running executor through the mounted directory" {
  config_with ',"oidc-lifetime":3,"extra-args":["--stand-in-wait-refresh"]'
  run_hook command
  assert_success
  first="$(head -n 1 "${STAND_IN_DIR}/tokens")"
  second="$(sed -n 2p "${STAND_IN_DIR}/tokens")"
  [[ -n "${second}" && "${first}" != "${second}" ]]
  assert_line "executor-config-sha256: $(expected_config_sha256 "${first}")"
  # The executor waited for the first replacement; later ones may come before it reads the file.
  at_push="$(sed -n 's/^executor-config-sha256-at-push: //p' <<<"${output}")"
  [[ "${at_push}" != "$(expected_config_sha256 "${first}")" ]]
  matched=0
  while read -r token; do
    [[ "${at_push}" == "$(expected_config_sha256 "${token}")" ]] && matched=1
  done <"${STAND_IN_DIR}/tokens"
  assert_equal "${matched}" 1
}

@test "cancelling the job removes the running container" {
  config_with ',"extra-args":["--stand-in-sleep=60"]'
  setsid bash -c 'trap "" TERM; cd "$1" && source "$2"' wrapper "${CHECKOUT}" "${PLUGIN_DIR}/hooks/command" \
    >"${BATS_TEST_TMPDIR}/log" 2>&1 &
  group=$!
  for _ in $(seq 100); do
    grep -q executor-sleeping "${BATS_TEST_TMPDIR}/log" && break
    sleep 0.1
  done
  run docker ps -q --filter "name=kaniko-${BUILDKITE_JOB_ID}"
  refute_output ""
  kill -TERM -- "-${group}"
  status=0
  wait "${group}" || status=$?
  assert_equal "${status}" 143
  run docker ps -aq --filter "name=kaniko-${BUILDKITE_JOB_ID}"
  assert_output ""
  assert_equal "$(find "${TMPDIR}" -mindepth 1 | wc -l)" 0
}

@test "an engine that cannot be reached is named before a token is requested" {
  config_with ''
  export DOCKER_HOST="unix://${BATS_TEST_TMPDIR}/no-engine.sock"
  run_hook command
  assert_failure 1
  assert_line "kaniko: the Docker engine is unreachable (docker version exited with code 1); start dockerd, or point DOCKER_HOST at a running engine (DOCKER_HOST is ${DOCKER_HOST})"
  assert_file_not_exist "${STAND_IN_DIR}/tokens"
}

@test "an executor that prints its credentials, raw and in base64, shows no form of the token" {
  config_with ',"extra-args":["--stand-in-print-config","--stand-in-exit=1"]'
  run_hook command
  assert_failure 1
  assert_output --partial '"password":"[REDACTED]","auth":"[REDACTED]"'
  refute_token_leaked "${STAND_IN_DIR}/annotations" "${CHECKOUT}"
  refute_base64_token_leaked "${STAND_IN_DIR}/annotations"
}
