#!/usr/bin/env bats
# scripts/demo, the README's first command, on a machine that cannot pull the executor image.

load ../bats/helpers

@test "the demo stops with one line when the executor image cannot be pulled, and leaves nothing running" {
  [[ "$(id -u)" == 0 ]] || skip "starts a private dockerd"
  # No engine is reachable at this socket, so the demo starts (and must stop) one of its own.
  export DOCKER_HOST="unix://${BATS_TEST_TMPDIR}/no-engine.sock"
  export KANIKO_IMAGE=127.0.0.1:9/unreachable/kaniko:v0
  before="$(ls -d /tmp/kaniko-demo.* 2>/dev/null | wc -l)"
  run "${PLUGIN_DIR}/scripts/demo"
  assert_failure 1
  assert_line "scripts/demo: starting a private Docker engine"
  assert_line "scripts/demo: cannot pull the Kaniko executor image ${KANIKO_IMAGE} (no internet?); load a copy with docker load and set KANIKO_IMAGE to its name"
  assert_equal "$(ls -d /tmp/kaniko-demo.* 2>/dev/null | wc -l)" "${before}"
  run pgrep -f "dockerd .*kaniko-demo"
  assert_failure
}
