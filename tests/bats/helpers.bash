#!/usr/bin/env bash
# Shared set-up for the hook tests: a checkout, stand-ins on PATH, and a way to run a hook the way
# the agent does (sourced from a wrapper script, so $0 is not the hook).

bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

PLUGIN_DIR="$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)"
export PLUGIN_DIR

kaniko_setup() {
  export KANIKO_HELPER="${KANIKO_HELPER_UNDER_TEST:-${PLUGIN_DIR}/build/kaniko-buildkite-helper}"
  export STAND_IN_DIR="${BATS_TEST_TMPDIR}/record"
  export CHECKOUT="${BATS_TEST_TMPDIR}/checkout"
  export TMPDIR="${BATS_TEST_TMPDIR}/tmp"
  mkdir -p "${STAND_IN_DIR}" "${CHECKOUT}" "${TMPDIR}"
  printf 'FROM scratch\nCOPY . /app\n' >"${CHECKOUT}/Dockerfile"
  echo 'console.log("hi")' >"${CHECKOUT}/app.js"
  export PATH="${PLUGIN_DIR}/tests/stand-ins:${PATH}"
  export BUILDKITE=true
  export BUILDKITE_JOB_ID="job-${BATS_TEST_NUMBER}-$$"
  export BUILDKITE_ORGANIZATION_SLUG=acme
  export BUILDKITE_COMMIT=0123456789abcdef0123456789abcdef01234567
  export BUILDKITE_BUILD_NUMBER=42
  # The real agent gives every job its Job API, and refuses OIDC tokens without it.
  export BUILDKITE_AGENT_JOB_API_SOCKET="${BATS_TEST_TMPDIR}/job-api.sock"
  export IN_OWN_GROUP="${PLUGIN_DIR}/build/in-own-group"
  unset BUILDKITE_PLUGINS BUILDKITE_PLUGIN_CONFIGURATION KANIKO_IMAGE KANIKO_DEBUG KANIKO_VERBOSITY KANIKO_NO_PUSH
  unset PACKAGE_REGISTRY_NAME DOCKER_CONFIG BUILDKITE_AGENT_LOG_LEVEL BUILDKITE_PLUGIN_NAME BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS
}

# For the integration tests: the real docker CLI talking to the test's dockerd, and only the agent
# stood in for. A DOCKER_STAND_IN (a path) goes first on PATH as `docker` when given.
use_real_docker() {
  export DOCKER_HOST="unix://${DOCKERD_DIR}/sock"
  mkdir -p "${BATS_TEST_TMPDIR}/bin"
  ln -s "${PLUGIN_DIR}/tests/stand-ins/buildkite-agent" "${BATS_TEST_TMPDIR}/bin/buildkite-agent"
  if [[ -n "${DOCKER_STAND_IN:-}" ]]; then ln -s "${DOCKER_STAND_IN}" "${BATS_TEST_TMPDIR}/bin/docker"; fi
  PATH="${BATS_TEST_TMPDIR}/bin:${PATH#"${PLUGIN_DIR}/tests/stand-ins:"}"
  export PATH
}

# run_hook NAME: source hooks/NAME from a wrapper shell in the checkout, as the agent does.
run_hook() {
  run bash -c 'cd "$1" && source "$2"' wrapper "${CHECKOUT}" "${PLUGIN_DIR}/hooks/$1"
}

plugin_config() { export BUILDKITE_PLUGIN_CONFIGURATION="$1"; }

# The argv of the Nth recorded docker call (1-based), one word per line.
docker_call() { sed -n "${1}p" "${STAND_IN_DIR}/docker-calls"; }

# Fails when `docker run` was called: the executor never started.
refute_executor_started() {
  if [[ -e "${STAND_IN_DIR}/docker-calls" ]] && grep -q '^run ' "${STAND_IN_DIR}/docker-calls"; then
    fail "the executor was started: $(grep '^run ' "${STAND_IN_DIR}/docker-calls")"
  fi
}

last_token() { tail -n 1 "${STAND_IN_DIR}/tokens"; }

meta_data() { cat "${STAND_IN_DIR}/meta-data/$(printf '%s' "$1" | sed 's|/|%2F|g')"; }

annotation() { cat "${STAND_IN_DIR}/annotations/$1"; }
annotation_style() { cat "${STAND_IN_DIR}/annotation-styles/$1"; }

# Fails when any base64 encoding of the token (alone, or as `buildkite:token` at any alignment inside a
# longer text) appears in the given files or in the last run's output.
refute_base64_token_leaked() { refute_base64_leaked "$(last_token)" buildkite "$@"; }

# refute_base64_leaked SECRET USER FILE...: the same for any secret of 60 characters or more.
refute_base64_leaked() {
  local secret="$1" user="$2" prefix encoded core
  shift 2
  for prefix in "" "x" "xy" "${user}:"; do
    encoded="$(printf '%s%s' "${prefix}" "${secret}" | base64 -w0)"
    # Past what depends on the prefix, 40 characters can only come from the token.
    core="${encoded:16:40}"
    # shellcheck disable=SC2154 # bats' run sets output
    [[ "${output}" != *"${core}"* ]] || fail "base64 of the secret (after '${prefix}') reached the job log"
    if grep -rqF -- "${core}" "$@"; then fail "base64 of the secret was found in: $(grep -rlF -- "${core}" "$@" | tr '\n' ' ')"; fi
  done
}

# Fails when the token appears in any of the given files or in the last run's output.
refute_token_leaked() {
  local token
  token="$(last_token)"
  [[ -n "${token}" ]] || fail "no token was issued"
  # shellcheck disable=SC2154 # bats' run sets output
  [[ "${output}" != *"${token}"* ]] || fail "the token reached the job log"
  if grep -rqF -- "${token}" "$@"; then
    fail "the token was found in: $(grep -rlF -- "${token}" "$@" | tr '\n' ' ')"
  fi
}

# run_hook_in_sh_wrapper NAME SHELL...: as the agent runs a hook whose shebang is #!/bin/sh: a
# wrapper script that sources it, run by SHELL (busybox sh in the Kaniko image, dash on Debian).
run_hook_in_sh_wrapper() {
  local wrapper="${BATS_TEST_TMPDIR}/hook-script-wrapper" hook="$1"
  shift
  printf '#!/bin/sh\n. "%s"\nexit $?\n' "${PLUGIN_DIR}/hooks/${hook}" >"${wrapper}"
  run sh -c 'cd "$1" && shift && exec "$@"' _ "${CHECKOUT}" "$@" "${wrapper}"
}

# For the tests of the fully static helper: STATIC_HELPER, from KANIKO_STATIC_HELPER or build-static/.
use_static_helper() {
  export STATIC_HELPER="${KANIKO_STATIC_HELPER:-${PLUGIN_DIR}/build-static/kaniko-buildkite-helper}"
  [[ -x "${STATIC_HELPER}" ]] && return 0
  echo "no static helper at ${STATIC_HELPER}; scripts/test builds it" >&3
  return 1
}

# count_alive PATTERN: how many processes whose command line is exactly PATTERN (pgrep -x -f) live,
# once they have had up to a second to go.
count_alive() {
  local left _
  for _ in $(seq 100); do
    left="$(pgrep -c -x -f "$1" || true)"
    [[ "${left}" == 0 ]] && break
    sleep 0.01
  done
  echo "${left}"
}
