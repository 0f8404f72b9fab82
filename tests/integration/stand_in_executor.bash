#!/usr/bin/env bash
# build_stand_in_executor TAG: a busybox image whose entrypoint is tests/stand-ins/kaniko-executor.
build_stand_in_executor() {
  local tag="$1" rootfs
  rootfs="$(mktemp -d)"
  mkdir -p "${rootfs}/bin" "${rootfs}/kaniko" "${rootfs}/tmp"
  cp /bin/busybox "${rootfs}/bin/busybox"
  local applet
  for applet in sh base64 cat cut echo env kill ls printf sha256sum sleep sort touch tr; do ln -s busybox "${rootfs}/bin/${applet}"; done
  cp "${PLUGIN_DIR}/tests/stand-ins/kaniko-executor" "${rootfs}/kaniko/executor"
  cp "${PLUGIN_DIR}/build/in-own-group" "${rootfs}/kaniko/in-own-group"
  tar -C "${rootfs}" -c . | docker import --change 'ENTRYPOINT ["/bin/sh", "/kaniko/executor"]' - "${tag}" >/dev/null
  rm -rf "${rootfs}"
}

# start_push_services NAME: in setup_file, what a test file that builds through the stand-in needs
# (load scripts/lib/dockerd and registry too), in a directory of its own, SERVICES (/tmp/kaniko-NAME.*):
# a private dockerd in SERVICES/dockerd (DOCKERD_DIR), the stand-in as the default executor image,
# both test registries, and REAL_DOCKER for kaniko-push. Skips the file unless run as root.
start_push_services() {
  [[ "$(id -u)" == 0 ]] || skip "needs root to start a private dockerd"
  SERVICES="$(mktemp -d "/tmp/kaniko-$1.XXXXXX")"
  export SERVICES DOCKERD_DIR="${SERVICES}/dockerd"
  start_dockerd "${DOCKERD_DIR}"
  build_stand_in_executor ghcr.io/osscontainertools/kaniko:v1.28.3
  start_test_registries "${SERVICES}"
  REAL_DOCKER="$(command -v docker)"
  export REAL_DOCKER
}

# stop_push_services: in teardown_file, everything start_push_services started and made.
stop_push_services() {
  [[ -n "${SERVICES:-}" ]] || return 0
  stop_test_registries "${SERVICES}"
  stop_dockerd "${SERVICES}/dockerd"
  rm -rf "${SERVICES}"
}

# use_push_services: per test, the real docker CLI with tests/integration/kaniko-push in front, its
# CA directory, and PUSH_RECORD, a line per executor run.
use_push_services() {
  DOCKER_STAND_IN="${PLUGIN_DIR}/tests/integration/kaniko-push" use_real_docker
  export PUSH_CERT_DIR="${SERVICES}/certs" PUSH_RECORD="${BATS_TEST_TMPDIR}/executor-runs"
  touch "${PUSH_RECORD}"
}

# login_htpasswd [USER PASSWORD]: the agent's Docker config (DOCKER_CONFIG, per test) for the
# htpasswd registry, as ci with the right password unless told otherwise.
login_htpasswd() {
  export DOCKER_CONFIG="${BATS_TEST_TMPDIR}/docker-config"
  mkdir -p "${DOCKER_CONFIG}"
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "127.0.0.1:${HTPASSWD_PORT}" \
    "$(printf '%s:%s' "${1:-ci}" "${2:-${REGISTRY_PASSWORD}}" | base64 -w0)" >"${DOCKER_CONFIG}/config.json"
}
