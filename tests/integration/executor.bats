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
  build_stand_in_executor ghcr.io/osscontainertools/kaniko:v1.28.3
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
  assert_line --partial "kaniko: hint: Docker could not pull the executor image \`127.0.0.1:9/missing/kaniko:v0\`"
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

@test "cancelling the job removes the credentials, then the container with every process of the build" {
  REAL_DOCKER="$(command -v docker)" WITNESS_DIR="${BATS_TEST_TMPDIR}"
  export REAL_DOCKER WITNESS_DIR
  ln -s "${PLUGIN_DIR}/tests/integration/docker-witness" "${BATS_TEST_TMPDIR}/bin/docker"
  [[ "$(command -v docker)" == "${BATS_TEST_TMPDIR}/bin/docker" ]]
  # A RUN as Kaniko runs one, in a process group of its own, with a background child.
  config_with ',"extra-args":["--stand-in-run=sleep 2981 & sleep 2982"]'
  setsid bash -c 'trap "" TERM; cd "$1" && source "$2"' wrapper "${CHECKOUT}" "${PLUGIN_DIR}/hooks/command" \
    >"${BATS_TEST_TMPDIR}/log" 2>&1 &
  group=$!
  for _ in $(seq 100); do
    [[ "$(pgrep -c -x -f 'sleep 2982')" == 1 ]] && break
    sleep 0.1
  done
  run docker ps -q --filter "name=^kaniko-${BUILDKITE_JOB_ID}\$"
  refute_output ""
  kill -TERM -- "-${group}"
  status=0
  wait "${group}" || status=$?
  assert_equal "${status}" 143
  assert_equal "$(head -n 1 "${BATS_TEST_TMPDIR}/credentials-at-rm")" absent
  assert_equal "$(count_alive 'sleep 2981')" 0
  assert_equal "$(count_alive 'sleep 2982')" 0
  run docker ps -aq --filter "name=^kaniko-${BUILDKITE_JOB_ID}\$"
  assert_output ""
  assert_equal "$(find "${TMPDIR}" -mindepth 1 | wc -l)" 0
}

@test "a failed RUN in a multi-stage build leads the annotation; Kaniko's own lines stay in the log" {
  config_with ',"extra-args":["--stand-in-run=echo linking; echo \"ld: cannot find -lssl\" >&2; exit 4"]'
  run_hook command
  assert_failure 1
  assert_line 'kaniko: `RUN echo linking; echo "ld: cannot find -lssl" >&2; exit 4` in stage 1 (FROM base.test/alpine:3) failed with exit status 4'
  body="$(annotation "kaniko-${BUILDKITE_JOB_ID}-packages.buildkite.com-acme-my-container-registry-hello-kaniko")"
  # The RUN's stdout and stderr reach the helper through two pipes, so their lines come in either
  # order (the real Kaniko's capture shows the stderr line first): each must be in the output.
  [[ "${body}" == *"failed with exit status 4."*"<p>Its output:</p>"*"linking"*"exit status 4"* ]]
  [[ "${body}" == *"failed with exit status 4."*"<p>Its output:</p>"*"ld: cannot find -lssl"*"exit status 4"* ]]
  [[ "${body}" != *"INFO"* ]]
  assert_output --partial "INFO"
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

@test "build secrets reach the executor as files only: not in argv, docker inspect, the log, annotations, meta-data or the checkout" {
  export NPM_TOKEN="npm-secret-$$-${RANDOM}-value"
  netrc="${BATS_TEST_TMPDIR}/netrc"
  printf 'machine registry.example.com password netrc-secret-%s\n' "$$" >"${netrc}"
  config_with ",\"secrets\":[\"NPM_TOKEN\",{\"id\":\"netrc\",\"file\":\"${netrc}\"}],\"extra-args\":[\"--stand-in-gate=/workspace/.gate\"]"
  container="kaniko-${BUILDKITE_JOB_ID}"
  (cd "${CHECKOUT}" && bash -c 'source "$1"' wrapper "${PLUGIN_DIR}/hooks/command") >"${BATS_TEST_TMPDIR}/log" 2>&1 &
  hook=$!
  # While the executor waits on its gate, the engine has all it will ever know about the container.
  for _ in $(seq 300); do
    docker inspect "${container}" >"${BATS_TEST_TMPDIR}/inspect.json" 2>/dev/null && break
    sleep 0.05
  done
  [[ -s "${BATS_TEST_TMPDIR}/inspect.json" ]]
  touch "${CHECKOUT}/.gate"
  wait "${hook}"
  run cat "${BATS_TEST_TMPDIR}/log"

  # The executor read both values through its --secret files.
  assert_line "executor-secret: NPM_TOKEN sha256=$(printf '%s' "${NPM_TOKEN}" | sha256sum | cut -d' ' -f1)"
  assert_line "executor-secret: netrc sha256=$(sha256sum <"${netrc}" | cut -d' ' -f1)"
  assert_line "executor-arg: --secret=id=NPM_TOKEN,src=/kaniko/buildkite-secrets/NPM_TOKEN"
  [[ "$(grep '^executor-env-names: ' <<<"${output}")" != *NPM_TOKEN* ]]
  assert_line --partial "kaniko: pushed packages.buildkite.com/acme/my-container-registry/hello-kaniko@sha256:"

  # No value anywhere else: not the arguments, the container's config, the log, the agent's records,
  # the checkout; and the redactor has them.
  for value in "${NPM_TOKEN}" "netrc-secret-$$"; do
    refute_output --partial "${value}"
    if grep -rqF -- "${value}" "${BATS_TEST_TMPDIR}/inspect.json" "${STAND_IN_DIR}/agent-calls" \
      "${STAND_IN_DIR}/annotations" "${STAND_IN_DIR}/meta-data" "${CHECKOUT}"; then
      fail "${value} leaked: $(grep -rlF -- "${value}" "${BATS_TEST_TMPDIR}/inspect.json" "${STAND_IN_DIR}" "${CHECKOUT}")"
    fi
    grep -qF -- "${value}" "${STAND_IN_DIR}/redacted"
  done
  jq -e '.[0].Config.Env | map(startswith("NPM_TOKEN")) | any | not' "${BATS_TEST_TMPDIR}/inspect.json"
  assert_equal "$(find "${TMPDIR}" -mindepth 1 | wc -l)" 0
}

@test "a registry on the agent's loopback without network: host stops before the token" {
  plugin_config '{"image":"app","registry":"127.0.0.1:5000/team","auth":"none","preflight":false,"verify":false}'
  run_hook command
  assert_failure 2
  assert_line "kaniko: 127.0.0.1:5000/team is on the agent's loopback, which the executor's container cannot reach on network default; add network: host"
  run docker ps -aq --filter "name=kaniko-${BUILDKITE_JOB_ID}"
  assert_output ""
}
