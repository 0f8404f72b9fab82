#!/usr/bin/env bats
# What a hostile or careless pipeline did to the plugin, through the real hook with stand-ins for
# buildkite-agent and docker. Each test failed before its fix.

load helpers

offline='"preflight":false,"verify":false'
registry=packages.buildkite.com/acme/my-container-registry

setup() {
  kaniko_setup
  plugin_config "{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",${offline}}"
}

with_config() { plugin_config "{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",${offline},$1}"; }

# No token was asked for and the executor never started.
refute_started() {
  assert_file_not_exist "${STAND_IN_DIR}/tokens"
  refute_executor_started
}

refute_error_annotation() {
  if grep -q '^annotate ' "${STAND_IN_DIR}/agent-calls"; then fail "an annotation was posted: $(grep '^annotate ' "${STAND_IN_DIR}/agent-calls")"; fi
}

assert_nothing_left() { assert_equal "$(find "${TMPDIR}" -mindepth 1 | wc -l)" 0; }

@test "a context that links out of the checkout (to credentials, to /) is refused before a token" {
  mkdir -p "${BATS_TEST_TMPDIR}/credentials"
  echo '{"auths":{}}' >"${BATS_TEST_TMPDIR}/credentials/config.json"
  ln -s "${BATS_TEST_TMPDIR}/credentials" "${CHECKOUT}/credlink"
  with_config '"context":"credlink","dockerfile":"../Dockerfile"'
  run_hook command
  assert_failure 2
  assert_output --partial 'kaniko: context: "credlink" resolves outside the checkout through a symbolic link; keep it inside'
  refute_started

  ln -s / "${CHECKOUT}/rootlink"
  with_config '"context":"rootlink"'
  run_hook command
  assert_failure 2
  assert_output --partial 'kaniko: context: "rootlink" resolves outside the checkout'
  refute_started
}

@test "a context that links to a directory inside the checkout builds" {
  mkdir -p "${CHECKOUT}/services/api"
  cp "${CHECKOUT}/Dockerfile" "${CHECKOUT}/services/api/Dockerfile"
  ln -s services/api "${CHECKOUT}/api"
  with_config '"context":"api"'
  run_hook command
  assert_success
  assert_output --partial "--context=dir:///workspace/api"
}

@test "a context the disk cannot resolve is named with the reason, not called a link out" {
  ln -s loop "${CHECKOUT}/loop"
  with_config '"context":"loop"'
  run_hook command
  assert_failure 2
  assert_output --partial "kaniko: context: \"loop\" cannot be read in the checkout (${CHECKOUT}: Too many levels of symbolic links); check the permissions of the checkout"
  refute_started
}

@test "an unreadable checkout directory is named as such, not as a link out" {
  [[ "$(id -u)" == 0 ]] || skip "needs root to run the helper as another user"
  # Root reads everything, so the helper runs as nobody, in directories nobody may use.
  shared="$(mktemp -d /tmp/kaniko-unreadable.XXXXXX)"
  chmod 755 "${shared}"
  mkdir -p "${shared}/checkout/private/app" "${shared}/tmp" "${shared}/record"
  chmod 1777 "${shared}/tmp" "${shared}/record"
  cp "${CHECKOUT}/Dockerfile" "${shared}/checkout/private/app/"
  chmod 000 "${shared}/checkout/private"
  with_config '"context":"private/app"'
  run bash -c 'cd "$1/checkout" && setpriv --reuid=65534 --regid=65534 --clear-groups env STAND_IN_DIR="$1/record" TMPDIR="$1/tmp" "$2" build' \
    _ "${shared}" "${KANIKO_HELPER}"
  rm -rf "${shared}"
  assert_failure 2
  assert_line "kaniko: context: \"private/app\" cannot be read in the checkout (${shared}/checkout: Permission denied); check the permissions of the checkout"
}

@test "a context that is a file, or missing, is named before a token" {
  with_config '"context":"Dockerfile","dockerfile":"Dockerfile"'
  run_hook command
  assert_failure 2
  assert_output --partial "kaniko: context: \"Dockerfile\" does not exist in the checkout (${CHECKOUT}); set context (relative to the checkout) to the directory's path"
  refute_started
}

@test "the executor printing its config.json shows no form of the token" {
  cat >"${BATS_TEST_TMPDIR}/docker" <<'SH'
#!/usr/bin/env bash
# As a build step might: print the credentials raw, and the whole file in base64.
for arg in "$@"; do
  case "$arg" in *:/kaniko/.docker:ro) cat "${arg%:/kaniko/.docker:ro}/config.json"; base64 -w0 "${arg%:/kaniko/.docker:ro}/config.json"; echo ;; esac
done
exec "${PLUGIN_DIR}/tests/stand-ins/docker" "$@"
SH
  chmod +x "${BATS_TEST_TMPDIR}/docker"
  export STAND_IN_EXECUTOR_EXIT=1
  PATH="${BATS_TEST_TMPDIR}:${PATH}" run_hook command
  assert_failure 1
  refute_token_leaked "${STAND_IN_DIR}/annotations"
  refute_base64_token_leaked "${STAND_IN_DIR}/annotations"
}

@test "a password from the agent's Docker config is masked in every form, and redacted" {
  export DOCKER_CONFIG="${BATS_TEST_TMPDIR}/docker-config"
  mkdir -p "${DOCKER_CONFIG}"
  password="registry-password-$(head -c 30 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf '{"auths":{"ghcr.io":{"auth":"%s"}}}\n' "$(printf 'ci:%s' "${password}" | base64 -w0)" >"${DOCKER_CONFIG}/config.json"
  plugin_config '{"image":"app","registry":"ghcr.io/acme","preflight":false,"verify":false}'
  export STAND_IN_EXECUTOR_EXIT=1
  export STAND_IN_EXECUTOR_LINES="password ${password}; auth $(printf 'ci:%s' "${password}" | base64 -w0); config $(base64 -w0 "${DOCKER_CONFIG}/config.json")"
  run_hook command
  assert_failure 1
  assert_output --partial "password [REDACTED]; auth [REDACTED]; config "
  [[ "${output}" != *"${password}"* ]] || fail "the password reached the job log"
  refute_base64_leaked "${password}" ci "${STAND_IN_DIR}/annotations"
  grep -qxF "${password}" "${STAND_IN_DIR}/redacted"
}

@test "a cancel while the token goes to the redactor starts nothing more" {
  export STAND_IN_CANCEL_DURING="redactor add"
  run_hook command
  assert_failure 143
  assert_output --partial "kaniko: cancelled by signal 15; nothing more is started, the executor is stopped and the credentials are removed"
  refute_executor_started
  refute_error_annotation
  assert_nothing_left
}

@test "a cancel during the token request is a cancel: exit 143, the same line, no error annotation" {
  export STAND_IN_CANCEL_DURING="oidc request-token"
  run_hook command
  assert_failure 143
  assert_output --partial "kaniko: cancelled by signal 15; nothing more is started, the executor is stopped and the credentials are removed"
  refute_output --partial "request-token --audience"
  refute_executor_started
  refute_error_annotation
  assert_nothing_left
}

@test "a cancel while docker run is still creating the container removes it, and nothing is pushed" {
  export STAND_IN_CANCEL_DURING_RUN=1
  run_hook command
  assert_failure 143
  assert_file_not_exist "${STAND_IN_DIR}/running-kaniko-${BUILDKITE_JOB_ID}"
  assert_file_not_exist "${STAND_IN_DIR}/pushed-kaniko-${BUILDKITE_JOB_ID}"
  [[ "$(grep -c "^rm --force kaniko-${BUILDKITE_JOB_ID}\$" "${STAND_IN_DIR}/docker-calls")" -ge 2 ]]
  refute_error_annotation
  assert_nothing_left
}

@test "pre-exit of one job leaves a concurrent job whose ID starts the same alone" {
  mine="${BUILDKITE_JOB_ID}"
  export BUILDKITE_JOB_ID="${mine}-2" STAND_IN_EXECUTOR_GATE="${BATS_TEST_TMPDIR}/gate"
  bash -c 'cd "$1" && source "$2"' wrapper "${CHECKOUT}" "${PLUGIN_DIR}/hooks/command" >"${BATS_TEST_TMPDIR}/other.log" 2>&1 &
  other=$!
  for _ in $(seq 300); do
    [[ -e "${STAND_IN_DIR}/waiting-kaniko-${mine}-2" ]] && break
    sleep 0.1
  done
  assert_file_exist "${STAND_IN_DIR}/waiting-kaniko-${mine}-2"
  BUILDKITE_JOB_ID="${mine}" run_hook pre-exit
  assert_success
  touch "${STAND_IN_EXECUTOR_GATE}"
  status=0
  wait "${other}" || status=$?
  [[ "${status}" == 0 ]] || fail "the other job failed ($status): $(cat "${BATS_TEST_TMPDIR}/other.log")"
  assert_file_exist "${STAND_IN_DIR}/pushed-kaniko-${mine}-2"
}

@test "a 60 KB value is refused in one short line, never a crash" {
  long="$(head -c 60000 /dev/zero | tr '\0' a)"
  for attribute in target network platform cache-ttl oidc-audience kaniko-image; do
    with_config "\"${attribute}\":\"${long}\""
    run_hook command
    assert_failure 2
    assert_line "kaniko: ${attribute}: \"${long:0:64}\"... (60000 characters) is too long; use at most $([[ ${attribute} == kaniko-image || ${attribute} == oidc-audience ]] && echo 4096 || echo 128) characters"
    [[ "${#output}" -lt 400 ]]
  done
  with_config "\"build-args\":[\"${long}\"],\"labels\":[\"${long}\"]"
  run_hook command
  assert_failure 2
  assert_line --partial "kaniko: build-args[0]: \"aaaa"
  export KANIKO_IMAGE="${long}"
  with_config '"push":true'
  run_hook command
  assert_failure 2
  assert_line --partial "kaniko: KANIKO_IMAGE: \"aaaa"
  refute_started
}

@test "an agent that fails without reading what it is sent is an error of that call, not a dead helper" {
  # A RUN's 25 lines of 1000 '<' become 100 KB of escaped HTML: more than a pipe holds, so the write fails.
  printf 'INFO[0001] RUN make\nINFO[0001] Running: [/bin/sh -c make]\n' >"${BATS_TEST_TMPDIR}/output"
  for _ in $(seq 25); do head -c 1000 /dev/zero | tr '\0' '<'; echo; done >>"${BATS_TEST_TMPDIR}/output"
  export STAND_IN_EXECUTOR_OUTPUT="${BATS_TEST_TMPDIR}/output" STAND_IN_EXECUTOR_EXIT=3 STAND_IN_UNREAD_INPUT=annotate
  run_hook command
  assert_failure 3
  assert_line --partial "kaniko: warning: buildkite-agent annotate --style error --context kaniko-${BUILDKITE_JOB_ID}-"
  assert_line --partial "exited (code 1) without reading its standard input"
}

@test "an unreachable Docker engine is named before a token is requested" {
  export STAND_IN_ENGINE_DOWN=1
  run_hook command
  assert_failure 1
  assert_output --partial "kaniko: the Docker engine is unreachable (docker version exited with code 1); start dockerd, or point DOCKER_HOST at a running engine"
  refute_started
}

@test "a TMPDIR that docker run -v cannot mount is named before a token is requested" {
  export TMPDIR="${BATS_TEST_TMPDIR}/tmp:dir"
  mkdir -p "${TMPDIR}"
  run_hook command
  assert_failure 2
  assert_output --partial "kaniko: TMPDIR: \"${TMPDIR}\" holds ':', which docker run -v cannot mount; set TMPDIR to a directory without ':'"
  refute_started
}

@test "a registry certificate that is not on the agent is named before a token is requested" {
  plugin_config "{\"image\":\"app\",\"registry\":\"registry.local:5000\",\"auth\":\"oidc\",${offline},\"registry-certificates\":{\"registry.local:5000\":\"${BATS_TEST_TMPDIR}/missing.pem\"}}"
  run_hook command
  assert_failure 2
  assert_output --partial "kaniko: registry-certificates.registry.local:5000: \"${BATS_TEST_TMPDIR}/missing.pem\" is not a file on this agent"
  refute_started
}

@test "a helper attribute naming a file that is not executable is a configuration error: exit 2" {
  touch "${BATS_TEST_TMPDIR}/helper"
  export BUILDKITE_PLUGIN_KANIKO_HELPER="${BATS_TEST_TMPDIR}/helper"
  run_hook command
  assert_failure 2
  assert_output "kaniko: the helper ${BATS_TEST_TMPDIR}/helper (from the helper attribute or KANIKO_HELPER) is not an executable file"
}

@test "configuration with a key given twice or bytes that are not UTF-8 is named through the hook" {
  plugin_config '{"image":"hello-kaniko","image":"other","package-registry":"my-container-registry"}'
  run_hook command
  assert_failure 2
  assert_line 'kaniko: "image": is given twice in the plugin configuration; keep one'
  plugin_config "$(printf '{"image":"hello-kaniko","package-registry":"my-container-registry","labels":["a=\xff"]}')"
  run_hook command
  assert_failure 2
  assert_line "kaniko: the plugin configuration is not valid UTF-8: byte 0xff at offset 80; write attribute values as UTF-8 text"
  with_config '"extra-args":[""]'
  run_hook command
  assert_failure 2
  assert_line 'kaniko: extra-args[0]: "" is empty; remove the item or give a value'
  refute_started
}

@test "two steps building one image keep an annotation each" {
  for step in api worker; do
    BUILDKITE_STEP_KEY="${step}" run_hook command
    assert_success
  done
  assert_equal "$(annotation_style "kaniko-api-${registry//\//-}-hello-kaniko")" success
  assert_equal "$(annotation_style "kaniko-worker-${registry//\//-}-hello-kaniko")" success
}
