#!/usr/bin/env bats
# agent-stack-k8s: the hooks run inside the step's own container, the Kaniko debug image, where there
# is no Docker, no bash and no C library. The test image is made from nothing but Debian's
# busybox-static (as /busybox, /bin/sh linked to it, as in the Kaniko debug image), a stand-in
# /kaniko/executor and a stand-in agent at /workspace/buildkite-agent (both sh). The plugin is mounted
# with the release helper unpacked in it (packed from build-static/), and the checkout too. The real
# hooks run as the agent runs them there: sourced by an sh wrapper, in a process group of their own.

load ../bats/helpers
load ../../scripts/lib/dockerd
load registry
load sigstore
# shellcheck source=scripts/lib/pack.bash
. "${PLUGIN_DIR}/scripts/lib/pack.bash"

image=kaniko-buildkite-k8s-test:latest

setup_file() {
  [[ "$(id -u)" == 0 ]] || skip "needs root to start a private dockerd"
  use_static_helper
  SERVICES="$(mktemp -d /tmp/kaniko-k8s.XXXXXX)"
  DOCKERD_DIR="${SERVICES}/dockerd"
  export SERVICES DOCKERD_DIR
  start_dockerd "${DOCKERD_DIR}"

  local root="${SERVICES}/rootfs" applet
  mkdir -p "${root}/busybox" "${root}/bin" "${root}/kaniko/.docker" "${root}/workspace" "${root}/tmp" "${root}/record"
  chmod 1777 "${root}/tmp"
  cp /bin/busybox "${root}/busybox/busybox"
  for applet in $(/bin/busybox --list); do
    [[ "${applet}" == busybox ]] || ln -s busybox "${root}/busybox/${applet}"
  done
  ln -s /busybox/sh "${root}/bin/sh"
  cp "${PLUGIN_DIR}/tests/stand-ins/kubernetes/executor" "${root}/kaniko/executor"
  mkdir -p "${root}/stand-in"
  cp "${PLUGIN_DIR}/build/in-own-group" "${root}/stand-in/in-own-group"
  cp "${PLUGIN_DIR}/tests/stand-ins/kubernetes/buildkite-agent" "${root}/workspace/buildkite-agent"
  tar -C "${root}" -c . | docker import \
    --change 'ENV PATH=/usr/local/bin:/kaniko:/busybox DOCKER_CONFIG=/kaniko/.docker/ SSL_CERT_DIR=/kaniko/ssl/certs' \
    --change 'WORKDIR /workspace' - "${image}" >/dev/null

  # The plugin as the agent checks it out, with the release helper unpacked where the hooks look.
  export PLUGIN_COPY="${SERVICES}/plugin"
  fresh_copy "${PLUGIN_DIR}" "${PLUGIN_COPY}"
  local version arch
  version="$(cat "${PLUGIN_DIR}/VERSION")"
  arch="$(release_arch)"
  pack_helper "${STATIC_HELPER}" "${PLUGIN_DIR}/LICENSE" "${version}" "${arch}" 0 "${SERVICES}/dist"
  mkdir -p "${PLUGIN_COPY}/.helper"
  tar -C "${PLUGIN_COPY}/.helper" -xzf "${SERVICES}/dist/kaniko-buildkite-helper-${version}-linux-${arch}.tar.gz"
  mv "${PLUGIN_COPY}/.helper/kaniko-buildkite-helper-${version}-linux-${arch}" "${PLUGIN_COPY}/.helper/${version}-${arch}"
}

teardown_file() {
  [[ -n "${SERVICES:-}" ]] || return 0
  stop_dockerd "${DOCKERD_DIR}"
  rm -rf "${SERVICES}"
}

setup() {
  kaniko_setup
  # The real docker CLI, for the test's own engine: no stand-in here, the container has its own.
  export PATH="${PATH#"${PLUGIN_DIR}/tests/stand-ins:"}"
  export DOCKER_HOST="unix://${DOCKERD_DIR}/sock"
  export RECORD="${BATS_TEST_TMPDIR}/record"
  mkdir -p "${RECORD}"
  CONTAINER="kaniko-k8s-${BATS_TEST_NUMBER}-$$"
  CONFIG='{"image":"hello-kaniko","package-registry":"my-container-registry","preflight":false,"verify":false}'
  # The agent's wrapper for a #!/bin/sh hook, and what runs the job in the container: the hook in a
  # process group of its own (the agent signals that group), then, once the whole group has ended,
  # what is left in the executor's config directory and in /tmp.
  for hook in command pre-exit; do
    printf '#!/bin/sh\n. "/plugin/hooks/%s"\nexit $?\n' "${hook}" >"${RECORD}/wrapper-${hook}"
  done
  cat >"${RECORD}/run-job" <<'EOF'
#!/bin/sh
setsid /bin/sh /record/wrapper-command &
hook=$!
echo "${hook}" >/record/hook-group
wait "${hook}"
echo "$?" >/record/hook-status
in_group() {
  for stat in /proc/[0-9]*/stat; do
    read -r _ _ _ _ group _ <"${stat}" 2>/dev/null && [ "${group}" = "${hook}" ] && return 0
  done
  return 1
}
while in_group; do sleep 0.05; done
if [ -e /record/then-pre-exit ]; then
  /bin/sh /record/wrapper-pre-exit
  echo "$?" >/record/pre-exit-status
fi
# How many processes of the build's RUN are alive one second after the job has ended (a killed
# process is a zombie, with no command line, until this shell reaps it).
i=0
while :; do
  left=0
  for cmdline in /proc/[0-9]*/cmdline; do
    case "$(tr '\0' ' ' <"${cmdline}" 2>/dev/null)" in
      "sleep 297 "|"sleep 300 "|"/bin/sh -c sleep 297"*) left=$((left + 1)) ;;
    esac
  done
  [ "${left}" = 0 ] || [ "${i}" -ge 100 ] && break
  sleep 0.01
  i=$((i + 1))
done
echo "${left}" >/record/build-left
ls -A /kaniko/.docker >/record/docker-config-after
ls -A /tmp >/record/tmp-after
EOF
}

teardown() {
  docker rm --force "${CONTAINER}" >/dev/null 2>&1 || true
  # A test's own registry and Sigstore, should the test have stopped before it did.
  stop_services "${BATS_TEST_TMPDIR}/registry"
  stop_services "${BATS_TEST_TMPDIR}/sigstore"
}

# The step's container as agent-stack-k8s starts it: the plugin, the checkout, the job's variables.
container_args() {
  echo --network "${POD_NETWORK:-none}" -v "${PLUGIN_COPY}:/plugin" -v "${CHECKOUT}:/workspace/build" -v "${RECORD}:/record" \
    -w /workspace/build -e BUILDKITE=true -e "BUILDKITE_JOB_ID=${BUILDKITE_JOB_ID}" \
    -e BUILDKITE_ORGANIZATION_SLUG=acme -e "BUILDKITE_COMMIT=${BUILDKITE_COMMIT}" -e BUILDKITE_BUILD_NUMBER=42 \
    -e BUILDKITE_AGENT_JOB_API_SOCKET=/workspace/job-api.sock
}

# run_job: runs the job to its end; `output` is the container's log.
run_job() {
  # shellcheck disable=SC2046 # container_args holds no spaces inside a word
  run docker run --rm --name "${CONTAINER}" $(container_args) -e "BUILDKITE_PLUGIN_CONFIGURATION=${CONFIG}" \
    "$@" "${image}" /bin/sh /record/run-job
}

# start_job: the same, detached, returning once the executor runs a RUN that starts a background
# child and runs until it is stopped.
start_job() {
  echo 'sleep 297 & sleep 300' >"${RECORD}/executor-run"
  # shellcheck disable=SC2046
  docker run -d --name "${CONTAINER}" $(container_args) -e "BUILDKITE_PLUGIN_CONFIGURATION=${CONFIG}" \
    "$@" "${image}" /bin/sh /record/run-job >/dev/null
  for _ in $(seq 300); do
    [[ -e "${RECORD}/executor-running" ]] && return 0
    sleep 0.05
  done
  docker logs "${CONTAINER}" >&3 2>&1
  return 1
}

finish_job() {
  docker wait "${CONTAINER}" >/dev/null
  output="$(docker logs "${CONTAINER}" 2>&1)"
}

executor_arg() { grep -x -- "$1" "${RECORD}/executor-args"; }

@test "the image has no bash, no docker and no C library" {
  run docker run --rm --network none "${image}" /bin/sh -c \
    'command -v bash || command -v docker || ls /lib /lib64 /usr/lib 2>/dev/null || echo none-here'
  assert_output none-here
}

@test "a build in the step's container: the executor runs there, and the digest reaches meta-data" {
  run_job
  assert_success
  assert_equal "$(cat "${RECORD}/hook-status")" 0
  registry=packages.buildkite.com/acme/my-container-registry
  assert_equal "$(head -n 1 "${RECORD}/executor-args")" "--dockerfile=/workspace/build/Dockerfile"
  executor_arg "--context=dir:///workspace/build"
  executor_arg "--destination=${registry}/hello-kaniko:0123456789ab-42"
  # The digest file is in the build's private directory, outside the checkout.
  grep -q "^--digest-file=/tmp/kaniko-buildkite-${BUILDKITE_JOB_ID}+[A-Za-z0-9]\{6\}/output/digest$" \
    "${RECORD}/executor-args"
  digest="$(cat "${RECORD}/meta-data/kaniko-digest:hello-kaniko")"
  [[ "${digest}" =~ ^sha256:[0-9a-f]{64}$ ]]
  assert_equal "$(cat "${RECORD}/meta-data/kaniko-image")" "${registry}/hello-kaniko@${digest}"
  assert_output --partial "kaniko: pushed ${registry}/hello-kaniko@${digest}"
  # The agent's CLI says nothing of what it reads: its INFO lines are off.
  refute_output --partial "INFO   Reading"
  # The executor read the token from $DOCKER_CONFIG; afterwards nothing is left there or in /tmp.
  token="$(tail -n 1 "${RECORD}/tokens")"
  assert_equal "$(jq -r '.auths["packages.buildkite.com"].password' "${RECORD}/executor-config.json")" "${token}"
  assert_equal "$(cat "${RECORD}/docker-config-after")" ""
  assert_equal "$(cat "${RECORD}/tmp-after")" ""
  grep -qx "oidc request-token --audience https://${registry} --lifetime 300" "${RECORD}/agent-calls"
}

@test "the executor's exit code 3 passes through" {
  echo 3 >"${RECORD}/executor-exit"
  run_job
  assert_equal "$(cat "${RECORD}/hook-status")" 3
  assert_output --partial "kaniko: the executor exited with code 3"
  assert_equal "$(cat "${RECORD}/docker-config-after")" ""
}

@test "a cancel removes the credentials first, then ends every process of the build" {
  start_job -e BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS=4
  during="$(docker exec "${CONTAINER}" cat /kaniko/.docker/config.json)"
  [[ "${during}" == *"$(tail -n 1 "${RECORD}/tokens")"* ]]
  docker exec "${CONTAINER}" /bin/sh -c "kill -TERM -$(cat "${RECORD}/hook-group")"
  finish_job
  assert_equal "$(cat "${RECORD}/hook-status")" 143
  # The executor's TERM came after its credentials had gone.
  assert_equal "$(cat "${RECORD}/executor-terminated")" "credentials absent"
  assert_output --partial "kaniko: received signal 15; stopping the executor (killed in 3s)"
  assert_output --partial "cancelled by signal 15"
  # The RUN, in a process group of its own, and its background child are gone too.
  assert_equal "$(cat "${RECORD}/build-left")" 0
  assert_equal "$(cat "${RECORD}/docker-config-after")" ""
  assert_equal "$(cat "${RECORD}/tmp-after")" ""
  [[ ! -e "${RECORD}/meta-data" ]]
}

@test "a failed RUN is named in the log and leads the annotation" {
  echo 'echo compiling; echo "ld: cannot find -lssl" >&2; exit 3' >"${RECORD}/executor-run"
  run_job
  assert_equal "$(cat "${RECORD}/hook-status")" 1
  assert_output --partial 'kaniko: `RUN echo compiling; echo "ld: cannot find -lssl" >&2; exit 3` in stage 0 (FROM base.test/busybox:1) failed with exit status 3'
  annotation="$(cat "${RECORD}/annotations")"
  # stdout and stderr come through two pipes, in either order: each must be in the output.
  [[ "${annotation}" == *"<p>Its output:</p>"*"compiling"* ]]
  [[ "${annotation}" == *"<p>Its output:</p>"*"ld: cannot find -lssl"* ]]
  [[ "${annotation}" != *"Retrieving image manifest"* ]]
  assert_equal "$(cat "${RECORD}/docker-config-after")" ""
}

@test "a refreshed token is what the executor reads from the rewritten config.json" {
  CONFIG='{"image":"hello-kaniko","package-registry":"my-container-registry","preflight":false,"verify":false,"oidc-lifetime":2}'
  touch "${RECORD}/executor-wait-for-refresh"
  run_job
  assert_success
  assert_equal "$(cat "${RECORD}/hook-status")" 0
  first="$(head -n 1 "${RECORD}/tokens")"
  at_push="$(jq -r '.auths["packages.buildkite.com"].password' "${RECORD}/executor-config-at-push.json")"
  [[ "${at_push}" != "${first}" ]]
  grep -qxF "${at_push}" "${RECORD}/tokens"
  assert_output --partial "kaniko: refreshed the OIDC token in the executor's credentials"
  assert_equal "$(cat "${RECORD}/docker-config-after")" ""
}

@test "auth: docker-config uses a mounted config.json as it is, and leaves it untouched" {
  CONFIG='{"image":"app","registry":"registry.example.com/team","auth":"docker-config","preflight":false,"verify":false}'
  printf '{"auths":{"registry.example.com":{"auth":"%s"}}}\n' "$(printf 'ci:mounted-secret-1' | base64 -w0)" \
    >"${BATS_TEST_TMPDIR}/config.json"
  before="$(sha256sum <"${BATS_TEST_TMPDIR}/config.json")"
  run_job -v "${BATS_TEST_TMPDIR}/config.json:/kaniko/.docker/config.json:ro"
  assert_success
  assert_equal "$(cat "${RECORD}/hook-status")" 0
  assert_equal "$(sha256sum <"${BATS_TEST_TMPDIR}/config.json")" "${before}"
  assert_equal "$(sha256sum <"${RECORD}/executor-config.json")" "${before}"
  assert_equal "$(cat "${RECORD}/docker-config-after")" "config.json"
  refute_output --partial "mounted-secret-1"
  grep -qx "mounted-secret-1" "${RECORD}/redacted" || grep -q '"mounted-secret-1"' "${RECORD}/redacted"
}

@test "a build secret reaches the local executor as a private file, and goes with the build" {
  CONFIG='{"image":"hello-kaniko","package-registry":"my-container-registry","preflight":false,"verify":false,"secrets":["NPM_TOKEN"]}'
  value="npm-secret-$$-${RANDOM}"
  run_job -e "NPM_TOKEN=${value}"
  assert_success
  assert_equal "$(cat "${RECORD}/hook-status")" 0
  assert_equal "$(cat "${RECORD}/executor-secrets")" "NPM_TOKEN $(printf '%s' "${value}" | sha256sum | cut -d ' ' -f 1)"
  grep -q "^--secret=id=NPM_TOKEN,src=/tmp/kaniko-buildkite-${BUILDKITE_JOB_ID}+[A-Za-z0-9]\{6\}/secrets/NPM_TOKEN$" \
    "${RECORD}/executor-args"
  refute_output --partial "${value}"
  if grep -rqF -- "${value}" "${RECORD}/executor-args" "${RECORD}/meta-data" "${CHECKOUT}"; then fail "the secret leaked"; fi
  assert_equal "$(cat "${RECORD}/tmp-after")" ""
}

@test "pre-exit after a SIGKILL ends every process of the build and removes what it wrote" {
  touch "${RECORD}/then-pre-exit"
  start_job
  # The agent's SIGKILL reaches the hook's group; the executor, leading a session of its own, and its
  # RUN, in a process group of its own, run on.
  docker exec "${CONTAINER}" /bin/sh -c "kill -KILL -$(cat "${RECORD}/hook-group")"
  finish_job
  assert_equal "$(cat "${RECORD}/pre-exit-status")" 0
  assert_output --regexp "kaniko: stopped [0-9]+ processes of the build that a killed helper left running \(session $(cat "${RECORD}/executor-running")\)"
  assert_equal "$(cat "${RECORD}/build-left")" 0
  assert_output --partial "kaniko: removed /kaniko/.docker/config.json"
  assert_equal "$(cat "${RECORD}/docker-config-after")" ""
  assert_equal "$(cat "${RECORD}/tmp-after")" ""
}

@test "executor: auto picks local in the Kaniko image and docker on a Docker host" {
  # shellcheck disable=SC2046
  run docker run --rm $(container_args) -e "BUILDKITE_PLUGIN_CONFIGURATION=${CONFIG}" "${image}" \
    /bin/sh -c 'exec /plugin/.helper/*/kaniko-buildkite-helper plan'
  assert_success
  assert_line --regexp '^/kaniko/executor --dockerfile=/workspace/build/Dockerfile '
  plugin_config "${CONFIG}"
  run bash -c 'cd "$1" && "$2" plan' _ "${CHECKOUT}" "${STATIC_HELPER}"
  assert_success
  assert_line --regexp '^docker run --rm --name kaniko-'
}

# index_children: a registry without auth on the loopback (its port in REGISTRY_PORT, its files in
# SERVICES_DIR), the amd64 and arm64 images pushed there as the platform steps would, their digests in
# meta-data, and CONFIG for the index step of both. EXTRA attributes go into CONFIG.
index_children() {
  local children="${BATS_TEST_TMPDIR}/children" arch
  SERVICES_DIR="${BATS_TEST_TMPDIR}/registry"
  mkdir -p "${SERVICES_DIR}"
  REGISTRY_PORT="$(start_registry "${SERVICES_DIR}" none)"
  echo '{"auths":{}}' >"${SERVICES_DIR}/auth.json"
  mkdir -p "${SERVICES_DIR}/certs" "${RECORD}/meta-data"
  cp "${SERVICES_DIR}/cert.pem" "${SERVICES_DIR}/certs/ca.crt"
  cp "${SERVICES_DIR}/cert.pem" "${RECORD}/ca.pem"
  for arch in amd64 arm64; do
    echo "${arch}" >"${BATS_TEST_TMPDIR}/${arch}.txt"
    "${PLUGIN_DIR}/tests/integration/oci_image.py" "${children}" "${arch}" "linux/${arch}" \
      "${BATS_TEST_TMPDIR}/${arch}.txt=/platform.txt" >/dev/null
    push_image "${children}" "${arch}" "${SERVICES_DIR}/auth.json" "${SERVICES_DIR}/certs" \
      "127.0.0.1:${REGISTRY_PORT}/app:v1-linux-${arch}" >"${RECORD}/meta-data/kaniko-digest:app:linux%2F${arch}"
  done
  CONFIG="{\"image\":\"app\",\"registry\":\"127.0.0.1:${REGISTRY_PORT}\",\"auth\":\"none\",\"tags\":[\"v1\"],\"index\":[\"linux/amd64\",\"linux/arm64\"],\"registry-certificates\":{\"127.0.0.1:${REGISTRY_PORT}\":\"/record/ca.pem\"}${1:-}}"
}

@test "an index step needs no Docker and no executor: busybox sh and the static helper put the index" {
  index_children
  local services="${SERVICES_DIR}" port="${REGISTRY_PORT}"
  POD_NETWORK=host run_job
  held="$(skopeo inspect --raw --authfile "${services}/auth.json" --cert-dir "${services}/certs" \
    "docker://127.0.0.1:${port}/app:v1" | jq -r '[.manifests[] | .platform.architecture] | join(" ")')"
  assert_equal "${held}" "amd64 arm64"
  assert_equal "$(cat "${RECORD}/hook-status")" 0
  assert_file_not_exists "${RECORD}/executor-args"
  index="$(cat "${RECORD}/meta-data/kaniko-digest:app")"
  assert_output --partial "kaniko: pushed the index 127.0.0.1:${port}/app@${index}"
  assert_output --partial "kaniko: verified: every tag points to ${index}"
  grep -qx "meta-data get --default  kaniko-digest:app:linux/arm64" "${RECORD}/agent-calls"
}

@test "a signed index from the step's container: the static helper signs with the job's identity, cosign verifies" {
  start_sigstore "${BATS_TEST_TMPDIR}/sigstore"
  index_children ",\"sign\":true,\"fulcio-url\":\"${FULCIO_URL}\",\"rekor-url\":\"${REKOR_URL}\""
  POD_NETWORK=host run_job -e "STAND_IN_OIDC_API=${STAND_IN_OIDC_API}"
  assert_equal "$(cat "${RECORD}/hook-status")" 0
  index="$(cat "${RECORD}/meta-data/kaniko-digest:app")"
  assert_output --partial "kaniko: signed: 127.0.0.1:${REGISTRY_PORT}/app:sha256-${index#sha256:}.sig"
  CERT="${SERVICES_DIR}/cert.pem" DOCKER_CONFIG="${SERVICES_DIR}" run cosign_verify verify \
    --certificate-identity https://buildkite.com/acme/app --certificate-oidc-issuer "${OIDC_ISSUER}" \
    "127.0.0.1:${REGISTRY_PORT}/app@${index}"
  assert_success
}
