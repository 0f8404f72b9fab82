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
