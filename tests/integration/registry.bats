#!/usr/bin/env bats
# The plugin against real registries: Debian's docker-registry with TLS and htpasswd auth, and one
# with token auth behind a token service that accepts OIDC-style JWTs, as Buildkite's registry does.
# Real images are made with umoci and pushed with skopeo. The executor is the stand-in image; the
# push it would make is made by tests/integration/kaniko-push with the config.json the plugin mounted.

load ../bats/helpers
load ../../scripts/lib/dockerd
load stand_in_executor
load registry

setup_file() {
  start_push_services registries

  make_image "${SERVICES}/layout" built "built by the plugin"
  make_image "${SERVICES}/layout" older "pushed before"
}

teardown_file() { stop_push_services; }

setup() {
  kaniko_setup
  use_push_services
  export PUSH_LAYOUT="${SERVICES}/layout" PUSH_TAG=built
  # Each test has a repository of its own.
  export REPO="t${BATS_TEST_NUMBER}/app"
  login_htpasswd
}

registry() { echo "127.0.0.1:${HTPASSWD_PORT}"; }

# htpasswd_config EXTRA: the plugin's configuration for the htpasswd registry, plus EXTRA attributes.
htpasswd_config() {
  plugin_config "{\"image\":\"${REPO}\",\"registry\":\"$(registry)\",\"tags\":[\"v1\",\"latest\"],\"network\":\"host\",\"registry-certificates\":{\"$(registry)\":\"${CERT}\"}$1}"
}

token_config() {
  plugin_config "{\"image\":\"${REPO}\",\"registry\":\"127.0.0.1:${TOKEN_PORT}/acme\",\"auth\":\"oidc\",\"oidc-audience\":\"$1\",\"network\":\"host\",\"registry-certificates\":{\"127.0.0.1:${TOKEN_PORT}\":\"${CERT}\"}}"
}

digest_of() {
  "${KANIKO_HELPER}" exists --docker-config "${DOCKER_CONFIG}/config.json" --ca-file "${CERT}" "$1"
}

@test "end to end with htpasswd: pre-flight, push with the mounted config, verified digest" {
  htpasswd_config ''
  run_hook command
  assert_success
  assert_line "kaniko: pre-flight: https://$(registry) accepts the credentials for ${REPO}"
  # The executor was given the CA, mounted read-only, for its own TLS.
  assert_line "executor-arg: --registry-certificate=$(registry)=/kaniko/registry-certificates/127.0.0.1-${HTPASSWD_PORT}.crt"
  pushed="$(digest_of "$(registry)/${REPO}:v1")"
  assert_equal "$(digest_of "$(registry)/${REPO}:latest")" "${pushed}"
  assert_line "kaniko: verified: every tag points to ${pushed}"
  assert_equal "$(meta_data "kaniko-digest:${REPO}")" "${pushed}"
  run annotation "kaniko-${BUILDKITE_JOB_ID}-127.0.0.1-${HTPASSWD_PORT}-t${BATS_TEST_NUMBER}-app"
  assert_output --partial "docker pull $(registry)/${REPO}@${pushed}"
}

@test "end to end with token auth: the OIDC token from the agent is accepted by the token service" {
  token_config "${TOKEN_AUDIENCE}"
  run_hook command
  assert_success
  assert_line "kaniko: pre-flight: https://127.0.0.1:${TOKEN_PORT} accepts the credentials for acme/${REPO}"
  assert_line --partial "kaniko: verified: every tag points to sha256:"
  grep -q "^repository:acme/${REPO}:pull,push granted$" "${SERVICES}/token/token.log"
  refute_token_leaked "${CHECKOUT}" "${STAND_IN_DIR}/agent-calls"
}

@test "wrong credentials fail in pre-flight and the executor never starts" {
  login_htpasswd ci wrong-password
  htpasswd_config ''
  run_hook command
  assert_failure 1
  assert_output --partial "kaniko: pre-flight: the registry refused the credentials (GET https://$(registry)/v2/ answered 401). Check the agent's Docker config for $(registry) (docker login, or its credential helper)."
  assert_equal "$(wc -l <"${PUSH_RECORD}")" 0
  assert_equal "$(annotation_style "kaniko-${BUILDKITE_JOB_ID}-127.0.0.1-${HTPASSWD_PORT}-t${BATS_TEST_NUMBER}-app")" error
}

@test "a token for the wrong audience is refused by the token service, with the recipe's advice" {
  token_config "https://registry.test/someone-else"
  run_hook command
  assert_failure 1
  assert_output --partial "kaniko: pre-flight: the registry refused the credentials (the token service https://127.0.0.1:${TOKEN_SERVICE_PORT}/token answered 401 for repository:acme/${REPO}:pull,push). The OIDC audience must be exactly https://registry.test/someone-else (the registry's URL), and the registry's OIDC policy must allow this pipeline."
  assert_equal "$(wc -l <"${PUSH_RECORD}")" 0
}

@test "skip-if-exists: tags that exist already are reported without a build" {
  login_htpasswd
  existing="$(push_image "${SERVICES}/layout" older "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" "$(registry)/${REPO}:v1")"
  push_image "${SERVICES}/layout" older "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" "$(registry)/${REPO}:latest" >/dev/null
  htpasswd_config ',"skip-if-exists":true'
  run_hook command
  assert_success
  assert_line "kaniko: skip-if-exists: every tag already points to ${existing}; not building"
  assert_equal "$(wc -l <"${PUSH_RECORD}")" 0
  assert_equal "$(meta_data "kaniko-digest:${REPO}")" "${existing}"
  run annotation "kaniko-${BUILDKITE_JOB_ID}-127.0.0.1-${HTPASSWD_PORT}-t${BATS_TEST_NUMBER}-app"
  assert_output --partial "the build was skipped (skip-if-exists)"
}

@test "skip-if-exists builds when only some tags exist" {
  push_image "${SERVICES}/layout" older "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" "$(registry)/${REPO}:v1" >/dev/null
  htpasswd_config ',"skip-if-exists":true'
  run_hook command
  assert_success
  assert_equal "$(wc -l <"${PUSH_RECORD}")" 1
}

@test "a tag missing after the push fails verification" {
  export PUSH_ONLY_FIRST=1
  htpasswd_config ''
  run_hook command
  assert_failure 1
  assert_output --partial "kaniko: verification: $(registry)/${REPO}:latest is not in the registry after the push"
}

@test "a digest that differs from the executor's fails verification" {
  export PUSH_KEEP_DIGEST=1
  htpasswd_config ''
  run_hook command
  assert_failure 1
  pushed="$(digest_of "$(registry)/${REPO}:v1")"
  assert_output --regexp "kaniko: verification: $(registry)/${REPO}:v1 points to ${pushed}, not to sha256:[0-9a-f]{64} that the executor pushed"
}

@test "a registry that is down fails pre-flight in seconds, naming the URL" {
  port="$(free_port)"
  plugin_config "{\"image\":\"app\",\"registry\":\"127.0.0.1:${port}\",\"auth\":\"none\",\"network\":\"host\"}"
  run_hook command
  assert_failure 1
  assert_output --partial "kaniko: pre-flight: GET https://127.0.0.1:${port}/v2/ failed: "
  assert_output --partial "check that the registry is up and reachable from the agent"
  assert_equal "$(wc -l <"${PUSH_RECORD}")" 0
}

@test "a registry answering 500 is retried until it answers" {
  proxy_dir="${BATS_TEST_TMPDIR}/proxy"
  mkdir -p "${proxy_dir}"
  cp "${SERVICES}/cert.pem" "${SERVICES}/key.pem" "${proxy_dir}/"
  pushed="$(push_image "${SERVICES}/layout" built "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" "$(registry)/${REPO}:v1")"
  proxy_port="$(start_fault_proxy "${proxy_dir}" "${HTPASSWD_PORT}" 2)"
  printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "${proxy_port}" "$(printf 'ci:%s' "${REGISTRY_PASSWORD}" | base64 -w0)" \
    >"${proxy_dir}/config.json"
  run "${KANIKO_HELPER}" exists --docker-config "${proxy_dir}/config.json" --ca-file "${CERT}" "127.0.0.1:${proxy_port}/${REPO}:v1"
  stop_services "${proxy_dir}"
  assert_success
  assert_output "${pushed}"
  assert_equal "$(cut -d' ' -f3 "${proxy_dir}/proxy.log" | tr '\n' ' ')" "500 500 relayed "
}

@test "exists: OCI and Docker v2 manifests, and a missing tag" {
  oci="$(push_image "${SERVICES}/layout" built "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" "$(registry)/${REPO}:oci")"
  v2="$(push_image "${SERVICES}/layout" built "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" "$(registry)/${REPO}:v2" v2s2)"
  [[ "${oci}" != "${v2}" ]]
  run digest_of "$(registry)/${REPO}:oci"
  assert_success
  assert_output "${oci}"
  run digest_of "$(registry)/${REPO}:v2"
  assert_success
  assert_output "${v2}"
  run digest_of "$(registry)/${REPO}:absent"
  assert_failure 1
  assert_output ""
  # Not knowing is not the same as "not there".
  run "${KANIKO_HELPER}" exists --ca-file "${CERT}" "127.0.0.1:$(free_port)/${REPO}:v1"
  assert_failure 2
  assert_output --partial "kaniko: HEAD https://127.0.0.1:"
}
