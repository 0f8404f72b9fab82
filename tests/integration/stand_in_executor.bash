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

# start_push_services DIR: what a test file that builds through the stand-in needs (load
# scripts/lib/dockerd and registry too): a private dockerd in DIR/dockerd (DOCKERD_DIR), the
# stand-in as the default executor image, both test registries, and REAL_DOCKER for kaniko-push.
start_push_services() {
  export DOCKERD_DIR="$1/dockerd"
  start_dockerd "${DOCKERD_DIR}"
  build_stand_in_executor ghcr.io/osscontainertools/kaniko:v1.28.3
  start_test_registries "$1"
  REAL_DOCKER="$(command -v docker)"
  export REAL_DOCKER
}

stop_push_services() {
  stop_test_registries "$1"
  stop_dockerd "$1/dockerd"
}

# use_push_services: per test, the real docker CLI with tests/integration/kaniko-push in front, its
# CA directory, and PUSH_RECORD, a line per executor run.
use_push_services() {
  DOCKER_STAND_IN="${PLUGIN_DIR}/tests/integration/kaniko-push" use_real_docker
  export PUSH_CERT_DIR="${SERVICES}/certs" PUSH_RECORD="${BATS_TEST_TMPDIR}/executor-runs"
  touch "${PUSH_RECORD}"
}
