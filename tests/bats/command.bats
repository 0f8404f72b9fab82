#!/usr/bin/env bats
# The command hook, run as the agent runs it, with stand-ins for buildkite-agent and docker.

load helpers

# No registry answers here (tests/integration/registry.bats has a real one), so the registry checks
# are off; they do not change the executor's command.
offline='"preflight":false,"verify":false'

setup() {
  kaniko_setup
  plugin_config "{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",${offline}}"
}

registry=packages.buildkite.com/acme/my-container-registry

# Runs a command with the docker stand-in but no buildkite-agent on PATH: a laptop, not an agent.
without_agent() {
  mkdir -p "${BATS_TEST_TMPDIR}/bin"
  ln -sf "${PLUGIN_DIR}/tests/stand-ins/docker" "${BATS_TEST_TMPDIR}/bin/docker"
  PATH="${BATS_TEST_TMPDIR}/bin:/usr/bin:/bin" "$@"
}

@test "the recipe's two attributes run the executor exactly as the recipe does" {
  run_hook command
  assert_success

  # The engine is asked first, then one executor run with exactly the recipe's flags; the private
  # directory is the only variable part.
  assert_equal "$(docker_call 1)" 'version --format \{\{.Server.Version\}\}'
  [[ "$(wc -l <"${STAND_IN_DIR}/docker-calls")" -eq 2 ]]
  private_dir="$(docker_call 2 | grep -o "${TMPDIR}/kaniko-buildkite-${BUILDKITE_JOB_ID}+[A-Za-z0-9]*" | head -n 1)"
  [[ -n "${private_dir}" ]]
  assert_equal "$(docker_call 2)" "run --rm --name kaniko-${BUILDKITE_JOB_ID} -e container=docker -v ${CHECKOUT}:/workspace -v ${private_dir}/docker:/kaniko/.docker:ro -v ${private_dir}/output:/kaniko/output ghcr.io/osscontainertools/kaniko:v1.28.3 --dockerfile=/workspace/Dockerfile --context=dir:///workspace --destination=${registry}/hello-kaniko:0123456789ab-42 --verbosity=info --log-timestamp --cache=true --cache-repo=${registry}/hello-kaniko-cache --digest-file=/kaniko/output/digest"

  # The token was requested for the registry's URL, and nothing else was asked of the agent first.
  assert_equal "$(sed -n 1p "${STAND_IN_DIR}/agent-calls")" "oidc request-token --audience https://${registry} --lifetime 300"
  assert_equal "$(sed -n 2p "${STAND_IN_DIR}/agent-calls")" "redactor add --format json"
  # The redactor has the token and the base64 `auth` that config.json holds it in.
  grep -qxF "$(last_token)" "${STAND_IN_DIR}/redacted"
  grep -qxF "$(printf 'buildkite:%s' "$(last_token)" | base64 -w0)" "${STAND_IN_DIR}/redacted"

  # What the executor could read: the token as the password of user buildkite, keyed by host.
  assert_equal "$(jq -r '.auths["packages.buildkite.com"].username' "${STAND_IN_DIR}/executor-config.json")" buildkite
  assert_equal "$(jq -r '.auths["packages.buildkite.com"].password' "${STAND_IN_DIR}/executor-config.json")" "$(last_token)"
  assert_equal "$(jq -r '.auths["packages.buildkite.com"].auth' "${STAND_IN_DIR}/executor-config.json" | base64 -d)" "buildkite:$(last_token)"
  assert_equal "$(cat "${STAND_IN_DIR}/executor-modes")" "700 600"

  # Credentials are gone afterwards, and were never inside the checkout.
  assert_dir_not_exist "${private_dir}"
  [[ "${private_dir}" != "${CHECKOUT}"* ]]
  refute_token_leaked "${CHECKOUT}" "${STAND_IN_DIR}/docker-calls" "${STAND_IN_DIR}/agent-calls"
}

@test "the digest reaches meta-data, the annotation and the log" {
  export STAND_IN_DIGEST="sha256:$(printf 'a%.0s' {1..64})"
  run_hook command
  assert_success
  pinned="${registry}/hello-kaniko@${STAND_IN_DIGEST}"
  assert_output --partial "kaniko: pushed ${pinned}"
  assert_equal "$(meta_data kaniko-image)" "${pinned}"
  assert_equal "$(meta_data kaniko-image:hello-kaniko)" "${pinned}"
  assert_equal "$(meta_data kaniko-digest:hello-kaniko)" "${STAND_IN_DIGEST}"
  assert_equal "$(meta_data kaniko-tags:hello-kaniko)" "${registry}/hello-kaniko:0123456789ab-42"
  context="kaniko-${BUILDKITE_JOB_ID}-packages.buildkite.com-acme-my-container-registry-hello-kaniko"
  assert_equal "$(annotation_style "${context}")" success
  run annotation "${context}"
  assert_output --partial "docker pull ${pinned}"
  assert_output --partial "<li><code>${registry}/hello-kaniko:0123456789ab-42</code></li>"
}

@test "log groups frame the work" {
  run_hook command
  assert_success
  assert_line "~~~ :kaniko: Preparing ${registry}/hello-kaniko"
  assert_line "--- :kaniko: Building ${registry}/hello-kaniko:0123456789ab-42"
  assert_line --partial '$ docker run --rm --name kaniko-'
}

@test "the executor's exit code reaches the agent unchanged: 1" {
  export STAND_IN_EXECUTOR_EXIT=1
  run_hook command
  assert_failure 1
}

@test "the executor's exit code reaches the agent unchanged: 3, with an error annotation" {
  export STAND_IN_EXECUTOR_EXIT=3
  export STAND_IN_EXECUTOR_LINES=$'INFO[0001] RUN npm test\nINFO[0001] Running: [/bin/sh -c npm test]\nnpm ERR! Test failed.'
  run_hook command
  assert_failure 3
  assert_line "^^^ +++"
  assert_line "kaniko: the executor exited with code 3 building ${registry}/hello-kaniko"
  context="kaniko-${BUILDKITE_JOB_ID}-packages.buildkite.com-acme-my-container-registry-hello-kaniko"
  assert_equal "$(annotation_style "${context}")" error
  run annotation "${context}"
  assert_output --partial "failed with exit code 3"
  # What failed leads, then its own output, then Kaniko's last word; the rest stays in the log.
  assert_output --partial "<p><code>RUN npm test</code> in stage 0 (FROM scratch) failed with exit status 3.</p>
<p>Its output:</p>
<pre><code>npm ERR! Test failed.
</code></pre>
<pre><code>error building image: error building stage: failed to execute command: waiting for process to exit: exit status 3"
  refute_output --partial "Retrieving image manifest"
  [[ ! -e "${STAND_IN_DIR}/meta-data/kaniko-image" ]]
  assert_equal "$(find "${TMPDIR}" -mindepth 1 | wc -l)" 0
}

@test "a 401 from the registry comes with the recipe's troubleshooting advice" {
  export STAND_IN_EXECUTOR_EXIT=1
  export STAND_IN_EXECUTOR_LINES="error checking push permissions: POST https://${registry}/v2/hello-kaniko/blobs/uploads/: UNAUTHORIZED"
  run_hook command
  assert_failure 1
  assert_line --partial "kaniko: hint: The registry refused the credentials (401/403). The OIDC audience must be exactly \`https://${registry}\`"
  # Plain text in the job log; HTML only in the annotation.
  refute_output --partial "<code>"
  run annotation "kaniko-${BUILDKITE_JOB_ID}-packages.buildkite.com-acme-my-container-registry-hello-kaniko"
  assert_output --partial "must be exactly <code>https://${registry}</code>"
  assert_output --partial "OIDC policy must allow this pipeline"
}

@test "an invalid attribute stops before any token or container, naming attribute and value" {
  plugin_config '{"image":"hello-kaniko","package-registry":"my-container-registry","tags":["ok","Bad Tag!"],"preflight":false,"verify":false}'
  run_hook command
  assert_failure 2
  assert_output --partial 'kaniko: tags[1]: "Bad Tag!" is not a valid tag; use up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -'
  assert_file_not_exist "${STAND_IN_DIR}/docker-calls"
  assert_file_not_exist "${STAND_IN_DIR}/agent-calls"
}

@test "a missing Dockerfile is reported before a token is requested" {
  rm "${CHECKOUT}/Dockerfile"
  run_hook command
  assert_failure 2
  assert_output --partial "kaniko: dockerfile: \"Dockerfile\" does not exist in the checkout (${CHECKOUT})"
  assert_file_not_exist "${STAND_IN_DIR}/tokens"
  # The only call to the agent is the error annotation.
  assert_equal "$(cut -d' ' -f1-3 "${STAND_IN_DIR}/agent-calls")" "annotate --style error"
}

@test "a Dockerfile that escapes the checkout through a symbolic link is refused" {
  rm "${CHECKOUT}/Dockerfile"
  echo 'FROM scratch' >"${BATS_TEST_TMPDIR}/outside"
  ln -s "${BATS_TEST_TMPDIR}/outside" "${CHECKOUT}/Dockerfile"
  run_hook command
  assert_failure 2
  assert_output --partial 'dockerfile: "Dockerfile" resolves outside the checkout through a symbolic link'
  assert_file_not_exist "${STAND_IN_DIR}/docker-calls"
}

@test "a failed token request stops the build before the executor starts" {
  export STAND_IN_OIDC_EXIT=1
  run_hook command
  assert_failure 1
  assert_output --partial "kaniko: buildkite-agent oidc request-token --audience https://${registry} failed (exit 1)"
  refute_executor_started
  assert_equal "$(find "${TMPDIR}" -mindepth 1 | wc -l)" 0
}

@test "a build that outlives its token gets a new one in the mounted config before the push" {
  plugin_config "{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",\"oidc-lifetime\":3,${offline}}"
  # The stand-in executor runs until the plugin has replaced config.json, as a long build would.
  export STAND_IN_EXECUTOR_WAIT_FOR_REFRESH=1
  run_hook command
  assert_success
  assert_line "kaniko: refreshed the OIDC token in the executor's credentials"
  [[ "$(wc -l <"${STAND_IN_DIR}/tokens")" -ge 2 ]]
  first="$(head -n 1 "${STAND_IN_DIR}/tokens")"
  assert_equal "$(jq -r '.auths["packages.buildkite.com"].password' "${STAND_IN_DIR}/executor-config.json")" "${first}"
  at_push="$(jq -r '.auths["packages.buildkite.com"].password' "${STAND_IN_DIR}/executor-config-at-push.json")"
  [[ "${at_push}" != "${first}" ]]
  grep -qxF "${at_push}" "${STAND_IN_DIR}/tokens"
  # Every token went to the redactor, and none reached the log.
  while read -r token; do
    grep -qxF "${token}" "${STAND_IN_DIR}/redacted" || fail "a token was not redacted"
    [[ "${output}" != *"${token}"* ]] || fail "a token reached the job log"
  done <"${STAND_IN_DIR}/tokens"
}

@test "an agent without a redactor still builds, and says so" {
  export STAND_IN_NO_REDACTOR=1
  run_hook command
  assert_success
  assert_output --partial "kaniko: this agent cannot add secrets to its redactor"
  refute_token_leaked "${CHECKOUT}"
}

@test "a token echoed by the executor is masked in the log and the annotation" {
  export STAND_IN_EXECUTOR_EXIT=1
  # The stand-in prints the config it was given, as a misbehaving build step might.
  export STAND_IN_EXECUTOR_LINES="leak attempt follows"
  cat >"${BATS_TEST_TMPDIR}/docker" <<'SH'
#!/usr/bin/env bash
for arg in "$@"; do case "$arg" in *:/kaniko/.docker:ro) cat "${arg%:/kaniko/.docker:ro}/config.json" ;; esac; done
exec "${PLUGIN_DIR}/tests/stand-ins/docker" "$@"
SH
  chmod +x "${BATS_TEST_TMPDIR}/docker"
  PATH="${BATS_TEST_TMPDIR}:${PATH}" run_hook command
  assert_failure 1
  assert_output --partial '"password":"[REDACTED]"'
  assert_output --partial '"auth":"[REDACTED]"'
  refute_token_leaked "${STAND_IN_DIR}/annotations" "${CHECKOUT}"
  refute_base64_token_leaked "${STAND_IN_DIR}/annotations"
}

@test "KANIKO_NO_PUSH=1 builds without pushing: no meta-data, an info annotation" {
  export KANIKO_NO_PUSH=1
  run_hook command
  assert_success
  assert_output --partial " --no-push --digest-file=/kaniko/output/digest"
  assert_file_not_exist "${STAND_IN_DIR}/meta-data/kaniko-image"
  assert_equal "$(annotation_style kaniko-${BUILDKITE_JOB_ID}-packages.buildkite.com-acme-my-container-registry-hello-kaniko)" info
}

@test "the recipe's KANIKO_IMAGE, KANIKO_DEBUG and KANIKO_VERBOSITY switches win over attributes" {
  plugin_config '{"image":"hello-kaniko","package-registry":"my-container-registry","verbosity":"warn","kaniko-image":"mirror.example/kaniko:v1","preflight":false,"verify":false}'
  export KANIKO_DEBUG=1 KANIKO_VERBOSITY=debug
  run_hook command
  assert_success
  assert_output --partial " mirror.example/kaniko:v1-debug --dockerfile="
  assert_output --partial " --verbosity=debug "
  export KANIKO_IMAGE=local/kaniko:exact
  run_hook command
  assert_success
  assert_output --partial " local/kaniko:exact --dockerfile="
}

@test "annotate: false posts no annotation but still sets meta-data" {
  plugin_config '{"image":"hello-kaniko","package-registry":"my-container-registry","annotate":false,"preflight":false,"verify":false}'
  run_hook command
  assert_success
  run ls -A "${STAND_IN_DIR}/annotations"
  assert_output ""
  [[ -s "${STAND_IN_DIR}/meta-data/kaniko-image" ]]
}

@test "build-args from the job environment travel by name, never by value" {
  plugin_config '{"image":"hello-kaniko","package-registry":"my-container-registry","build-args":["NPM_TOKEN","MODE=prod"],"preflight":false,"verify":false}'
  export NPM_TOKEN=npm-secret-value-123
  run_hook command
  assert_success
  assert_output --partial " -e container=docker -e NPM_TOKEN -v "
  assert_output --partial " --build-arg=NPM_TOKEN --build-arg=MODE=prod "
  run grep -c npm-secret-value-123 "${STAND_IN_DIR}/docker-calls"
  assert_output 0
}

@test "configuration from BUILDKITE_PLUGINS and from flattened variables" {
  unset BUILDKITE_PLUGIN_CONFIGURATION
  export BUILDKITE_PLUGINS='[{"github.com/acme/kaniko-buildkite-plugin#v0.1.0":{"image":"from-json","registry":"r.example","auth":"none","push":false}}]'
  run_hook command
  assert_success
  assert_output --partial " --destination=r.example/from-json:0123456789ab-42 "
  unset BUILDKITE_PLUGINS
  export BUILDKITE_PLUGIN_KANIKO_IMAGE=from-vars BUILDKITE_PLUGIN_KANIKO_REGISTRY=r.example BUILDKITE_PLUGIN_KANIKO_AUTH=none
  export BUILDKITE_PLUGIN_KANIKO_TAGS_0=one BUILDKITE_PLUGIN_KANIKO_TAGS_1=two BUILDKITE_PLUGIN_KANIKO_CACHE=false
  export BUILDKITE_PLUGIN_KANIKO_PREFLIGHT=false BUILDKITE_PLUGIN_KANIKO_VERIFY=false
  run_hook command
  assert_success
  assert_output --partial " --destination=r.example/from-vars:one --destination=r.example/from-vars:two --verbosity=info --log-timestamp --digest-file="
}

@test "auth: docker-config hands the agent's Docker config to the executor" {
  plugin_config '{"image":"app","registry":"ghcr.io/acme","preflight":false,"verify":false}'
  export DOCKER_CONFIG="${BATS_TEST_TMPDIR}/docker-config"
  mkdir -p "${DOCKER_CONFIG}"
  echo '{"credHelpers":{"ghcr.io":"ghcr-login"}}' >"${DOCKER_CONFIG}/config.json"
  run_hook command
  assert_success
  assert_equal "$(cat "${STAND_IN_DIR}/executor-config.json")" '{"credHelpers":{"ghcr.io":"ghcr-login"}}'
  assert_file_not_exist "${STAND_IN_DIR}/tokens"
}

@test "a credential helper only the executor has: registry checks are skipped, the build goes on" {
  plugin_config '{"image":"app","registry":"123.dkr.ecr.us-east-1.amazonaws.com"}'
  export DOCKER_CONFIG="${BATS_TEST_TMPDIR}/docker-config"
  mkdir -p "${DOCKER_CONFIG}"
  echo '{"credHelpers":{"123.dkr.ecr.us-east-1.amazonaws.com":"ecr-login"}}' >"${DOCKER_CONFIG}/config.json"
  run_hook command
  assert_success
  assert_line "kaniko: docker-credential-ecr-login is not on this agent, so pre-flight, skip-if-exists and verify are skipped; the executor signs in with its own copy"
  refute_output --partial "pre-flight:"
  refute_output --partial "verified"
}

@test "an annotation the agent cannot post is a warning, not a failed build" {
  export STAND_IN_ANNOTATE_EXIT=1
  run_hook command
  assert_success
  assert_line "kaniko: warning: buildkite-agent annotate failed (exit 1)"
  [[ -s "${STAND_IN_DIR}/meta-data/kaniko-image" ]]
}

@test "auth: docker-config without a config file explains what to do" {
  plugin_config '{"image":"app","registry":"ghcr.io/acme","preflight":false,"verify":false}'
  export HOME="${BATS_TEST_TMPDIR}/home"
  run_hook command
  assert_failure 2
  assert_output --partial "kaniko: auth: docker-config needs a Docker config file at ${HOME}/.docker/config.json (from DOCKER_CONFIG or HOME); run docker login, or use auth: oidc or auth: none"
  refute_executor_started
}

@test "plan and --dry-run print the commands and run nothing" {
  run bash -c 'cd "$1" && "$2" plan' _ "${CHECKOUT}" "${KANIKO_HELPER}"
  assert_success
  assert_line "buildkite-agent oidc request-token --audience https://${registry} --lifetime 300"
  assert_line --partial "docker run --rm --name kaniko-${BUILDKITE_JOB_ID} -e container=docker -v ${CHECKOUT}:/workspace -v '<private-dir>/docker:/kaniko/.docker:ro'"
  refute_line --partial "# registry checks"
  plan_output="${output}"
  run bash -c 'cd "$1" && "$2" build --dry-run' _ "${CHECKOUT}" "${KANIKO_HELPER}"
  assert_success
  assert_equal "${output}" "${plan_output}"
  assert_file_not_exist "${STAND_IN_DIR}/docker-calls"
  assert_file_not_exist "${STAND_IN_DIR}/agent-calls"
}

@test "plan names the registry checks a build would make" {
  plugin_config '{"image":"hello-kaniko","package-registry":"my-container-registry","skip-if-exists":true}'
  run bash -c 'cd "$1" && "$2" plan' _ "${CHECKOUT}" "${KANIKO_HELPER}"
  assert_success
  assert_line "# registry checks against packages.buildkite.com: pre-flight (repository:acme/my-container-registry/hello-kaniko:pull,push), skip-if-exists, verify each tag's digest after the push"
}

@test "outside Buildkite the helper prints what it would annotate" {
  plugin_config '{"image":"app","registry":"localhost:5000","auth":"none","network":"host","preflight":false,"verify":false}'
  without_agent run_hook command
  assert_success
  assert_output --partial "kaniko: not running under Buildkite; the success annotation (kaniko-${BUILDKITE_JOB_ID}-localhost-5000-app) would read:"
  assert_output --partial "kaniko: not running under Buildkite; meta-data kaniko-image would be localhost:5000/app@sha256:"
}

@test "auth: oidc outside Buildkite says what to use instead" {
  without_agent run_hook command
  assert_failure 1
  assert_output --partial "kaniko: auth: oidc needs buildkite-agent, which is not on PATH; outside Buildkite use auth: docker-config (after docker login) or auth: none"
}

@test "the hooks run under busybox sh: sourced from the agent's sh wrapper, and directly" {
  run_hook_in_sh_wrapper command /bin/busybox sh
  assert_success
  assert_output --partial "kaniko: pushed ${registry}/hello-kaniko"
  grep -q '^run ' "${STAND_IN_DIR}/docker-calls"

  : >"${STAND_IN_DIR}/docker-calls"
  run sh -c 'cd "$1" && exec /bin/busybox sh "$2"' _ "${CHECKOUT}" "${PLUGIN_DIR}/hooks/command"
  assert_success
  grep -q '^run ' "${STAND_IN_DIR}/docker-calls"

  run_hook_in_sh_wrapper pre-exit /bin/busybox sh
  assert_success
}

@test "the hooks run under dash, sourced from the agent's sh wrapper" {
  run_hook_in_sh_wrapper command dash
  assert_success
  grep -q '^run ' "${STAND_IN_DIR}/docker-calls"
  run_hook_in_sh_wrapper pre-exit dash
  assert_success
}

@test "a wrapper that does not name the hook: one line, exit 2" {
  printf '#!/bin/sh\n. ./hook\n' >"${BATS_TEST_TMPDIR}/odd-wrapper"
  cp "${PLUGIN_DIR}/hooks/command" "${CHECKOUT}/hook"
  run sh -c 'cd "$1" && exec dash "$2"' _ "${CHECKOUT}" "${BATS_TEST_TMPDIR}/odd-wrapper"
  assert_failure 2
  assert_output "kaniko: cannot find the plugin's checkout: the hook was run as ${BATS_TEST_TMPDIR}/odd-wrapper, which does not name hooks/command"
}

@test "the helper's usage lists each command once, and an unknown one exits 2 with it" {
  run "${KANIKO_HELPER}" help
  assert_success
  for command in build plan validate "exists REF" cleanup attributes version; do
    assert_equal "$(grep -c "^  ${command} " <<<"${output}")" 1
  done
  run "${KANIKO_HELPER}" frobnicate
  assert_failure 2
  assert_line --index 0 'kaniko: unknown command "frobnicate"'
  assert_line "usage: kaniko-buildkite-helper <command>"
}

@test "helper messages reach the log when they happen, not with the executor's next output" {
  plugin_config "{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",\"oidc-lifetime\":3,${offline}}"
  # The executor runs on, silent, for a second after the refresh before it prints again.
  export STAND_IN_EXECUTOR_WAIT_FOR_REFRESH=1 STAND_IN_EXECUTOR_QUIET=1
  (cd "${CHECKOUT}" && bash -c 'source "$1"' wrapper "${PLUGIN_DIR}/hooks/command") 2>&1 |
    while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "${line}"; done >"${BATS_TEST_TMPDIR}/timed"
  refreshed="$(grep -m 1 ' kaniko: refreshed the OIDC token' "${BATS_TEST_TMPDIR}/timed" | cut -d ' ' -f 1)"
  pushed="$(grep -m 1 ' INFO\[0003\] Pushed image' "${BATS_TEST_TMPDIR}/timed" | cut -d ' ' -f 1)"
  [[ -n "${refreshed}" && -n "${pushed}" ]]
  awk -v r="${refreshed}" -v p="${pushed}" 'BEGIN { exit !(r + 0.5 < p) }' ||
    fail "the refresh line arrived at ${refreshed}, with the executor's next line at ${pushed}"
}

@test "Kaniko's colours stay in the job log and out of the error annotation" {
  printf '\033[36mINFO\033[0m[0000] RUN make\n\033[36mINFO\033[0m[0000] Running: [/bin/sh -c make]\n\033[31merror:\033[0m build failed\n' \
    >"${BATS_TEST_TMPDIR}/coloured"
  export STAND_IN_EXECUTOR_OUTPUT="${BATS_TEST_TMPDIR}/coloured" STAND_IN_EXECUTOR_EXIT=1
  run_hook command
  assert_failure 1
  assert_output --partial $'\033[31merror:\033[0m build failed'
  body="$(annotation "kaniko-${BUILDKITE_JOB_ID}-packages.buildkite.com-acme-my-container-registry-hello-kaniko")"
  [[ "${body}" == *"<code>RUN make</code>"*"error: build failed"* ]]
  [[ "${body}" != *$'\033'* ]] || fail "the annotation holds escape sequences"
}

@test "push: false pushes no cache layers either, unless cache-push: true" {
  plugin_config "{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",\"push\":false,${offline}}"
  run_hook command
  assert_success
  [[ "$(docker_call 2)" == *" --cache-repo=${registry}/hello-kaniko-cache --no-push-cache "* ]]
  : >"${STAND_IN_DIR}/docker-calls"
  plugin_config "{\"image\":\"hello-kaniko\",\"package-registry\":\"my-container-registry\",\"push\":false,\"cache-push\":true,${offline}}"
  run_hook command
  assert_success
  [[ "$(docker_call 2)" != *"--no-push-cache"* ]]
}

@test "plan stops where build would, with the same line and exit 2" {
  same_as_build() {
    plugin_config "$1"
    run_hook command
    assert_failure 2
    refute_executor_started
    build_line="$(grep '^kaniko: ' <<<"${output}" | tail -n 1)"
    run bash -c 'cd "$1" && "$2" plan' _ "${CHECKOUT}" "${KANIKO_HELPER}"
    assert_failure 2
    assert_output "${build_line}"
    [[ "${build_line}" == *"$2"* ]]
  }
  same_as_build '{"image":"app","registry":"r.example","auth":"none","dockerfile":"Missing"}' \
    'dockerfile: "Missing" does not exist in the checkout'
  HOME="${BATS_TEST_TMPDIR}/empty-home" same_as_build '{"image":"app","registry":"r.example"}' \
    'auth: docker-config needs a Docker config file'
  same_as_build '{"image":"app","registry":"r.example","auth":"none","registry-certificates":{"r.example":"/nonexistent/ca.pem"}}' \
    'is not a file on this agent'
  same_as_build '{"image":"app","registry":"localhost:5000","auth":"none"}' 'add network: host'
  same_as_build '{"image":"app","registry":"r.example","auth":"none","secrets":["UNSET_SECRET_VARIABLE"]}' \
    'names a variable that is not set in the job environment'
}

@test "a helper installed for another version of the plugin gets a warning, and the build goes on" {
  copy="${BATS_TEST_TMPDIR}/plugin"
  mkdir -p "${copy}"
  cp -r "${PLUGIN_DIR}/hooks" "${PLUGIN_DIR}/lib" "${copy}/"
  echo 9.9.9 >"${copy}/VERSION"
  run bash -c 'cd "$1" && source "$2"' wrapper "${CHECKOUT}" "${copy}/hooks/command"
  assert_success
  assert_line "kaniko: warning: the helper ${KANIKO_HELPER} says \"kaniko-buildkite-helper $(cat "${PLUGIN_DIR}/VERSION")\", but this plugin is 9.9.9; install the helper of the same version (scripts/install-helper) or unset KANIKO_HELPER"
  # The same version says nothing.
  run_hook command
  assert_success
  refute_output --partial "kaniko: warning: the helper"
}

@test "a COPY source that is missing: the annotation shows Kaniko's error line, not the manifest chatter" {
  {
    printf '\033[36mINFO\033[0m[0000] Retrieving image manifest base.test/busybox:1\n'
    printf '\033[36mINFO\033[0m[0000] Returning cached image manifest\n'
    printf '\033[36mINFO\033[0m[0000] No cached layer found for cmd WORKDIR /srv\n'
    printf 'error building image: failed to get files used from context: lstat /workspace/static: no such file or directory\n'
  } >"${BATS_TEST_TMPDIR}/kaniko"
  export STAND_IN_EXECUTOR_OUTPUT="${BATS_TEST_TMPDIR}/kaniko" STAND_IN_EXECUTOR_EXIT=1
  run_hook command
  assert_failure 1
  refute_line --partial "kaniko: \`RUN"
  body="$(annotation "kaniko-${BUILDKITE_JOB_ID}-packages.buildkite.com-acme-my-container-registry-hello-kaniko")"
  [[ "${body}" == *"<pre><code>error building image: failed to get files used from context: lstat /workspace/static: no such file or directory"* ]]
  [[ "${body}" != *"Returning cached image manifest"* ]]
}
