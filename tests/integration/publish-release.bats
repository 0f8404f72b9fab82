#!/usr/bin/env bats
# scripts/publish-release against a loopback server that answers as GitHub's release endpoints do
# (tests/integration/github_api.py) and records every request. The release files are small stand-ins
# for scripts/release's, named in the plugin copy's helper-checksums.txt as a release commit names them.

load ../bats/helpers
load registry
# shellcheck source=scripts/lib/pack.bash
. "${PLUGIN_DIR}/scripts/lib/pack.bash"

setup() {
  export VERSION TOKEN="ghs_${RANDOM}${RANDOM}secret${RANDOM}" FRESH="${BATS_TEST_TMPDIR}/plugin" DIST="${BATS_TEST_TMPDIR}/dist"
  VERSION="$(cat "${PLUGIN_DIR}/VERSION")"
  fresh_copy "${PLUGIN_DIR}" "${FRESH}"
  mkdir -p "${DIST}"
  for arch in amd64 arm64; do
    head -c 2048 /dev/urandom >"${DIST}/kaniko-buildkite-helper-${VERSION}-linux-${arch}.tar.gz"
  done
  echo "amd64 package: libcurl4-openssl-dev:amd64 7.88.1-10+deb12u15" >"${DIST}/BUILDINFO"
  write_checksums "${DIST}" "${VERSION}"
  cp "${DIST}/helper-checksums.txt" "${FRESH}/helper-checksums.txt"
  rm "${DIST}/helper-checksums.txt"

  export SERVICES="${BATS_TEST_TMPDIR}/services"
  mkdir -p "${SERVICES}"
  /usr/bin/python3 "${PLUGIN_DIR}/tests/integration/github_api.py" "${TOKEN}" "${SERVICES}/port" "${SERVICES}/requests" \
    >"${SERVICES}/server.log" 2>&1 &
  echo "$!" >>"${SERVICES}/pids"
  GITHUB_API_URL="http://127.0.0.1:$(wait_for_port_file "${SERVICES}/port" "${SERVICES}/server.log")"
  export GITHUB_API_URL GITHUB_REPOSITORY=acme/kaniko-buildkite-plugin
  export GITHUB_TOKEN="${TOKEN}"
  # curl as it is, each argv recorded: the token must never be in one.
  mkdir -p "${BATS_TEST_TMPDIR}/bin"
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\nexec /usr/bin/curl "$@"\n' "${BATS_TEST_TMPDIR}/curl-argv" \
    >"${BATS_TEST_TMPDIR}/bin/curl"
  chmod +x "${BATS_TEST_TMPDIR}/bin/curl"
  export PATH="${BATS_TEST_TMPDIR}/bin:${PATH}"
}

teardown() { stop_services "${SERVICES}"; }

publish() { run "${FRESH}/scripts/publish-release" "$@"; }

requests() { cat "${SERVICES}/requests" 2>/dev/null | grep -c . || true; }

@test "a first run creates the release and uploads the four files, the token only in the header" {
  publish "v${VERSION}" "${DIST}"
  assert_success
  assert_line "publish-release: created the release v${VERSION}"
  assert_equal "$(cut -d' ' -f1,2 "${SERVICES}/requests" | sed 's/?name=/ /')" "GET /repos/acme/kaniko-buildkite-plugin/releases/tags/v${VERSION}
POST /repos/acme/kaniko-buildkite-plugin/releases
POST /uploads/repos/acme/kaniko-buildkite-plugin/releases/1/assets kaniko-buildkite-helper-${VERSION}-linux-amd64.tar.gz
POST /uploads/repos/acme/kaniko-buildkite-plugin/releases/1/assets kaniko-buildkite-helper-${VERSION}-linux-arm64.tar.gz
POST /uploads/repos/acme/kaniko-buildkite-plugin/releases/1/assets BUILDINFO
POST /uploads/repos/acme/kaniko-buildkite-plugin/releases/1/assets SHA256SUMS"
  grep -q "linux-amd64.tar.gz content-type=application/gzip$" "${SERVICES}/requests"
  grep -q "assets?name=BUILDINFO content-type=application/octet-stream$" "${SERVICES}/requests"
  refute_output --partial "${TOKEN}"
  run grep -c -F -- "${TOKEN}" "${BATS_TEST_TMPDIR}/curl-argv"
  assert_output 0
  assert_equal "$(grep -c . "${BATS_TEST_TMPDIR}/curl-argv")" 6
}

@test "a re-run for a published tag with the same files uploads nothing" {
  publish "v${VERSION}" "${DIST}"
  assert_success
  : >"${SERVICES}/requests"
  publish "v${VERSION}" "${DIST}"
  assert_success
  assert_line "publish-release: the release v${VERSION} exists"
  assert_line "publish-release: BUILDINFO is published already, with the same bytes"
  run grep -c "^POST " "${SERVICES}/requests"
  assert_output 0
}

@test "a published asset with other bytes fails, naming it, and nothing is uploaded" {
  publish "v${VERSION}" "${DIST}"
  assert_success
  # A rebuild from other inputs, committed by mistake: the sums match the commit, not the release.
  echo "amd64 package: libcurl4-openssl-dev:amd64 7.88.1-10+deb12u16" >"${DIST}/BUILDINFO"
  write_checksums "${DIST}" "${VERSION}"
  cp "${DIST}/helper-checksums.txt" "${FRESH}/helper-checksums.txt"
  rm "${DIST}/helper-checksums.txt"
  : >"${SERVICES}/requests"
  publish "v${VERSION}" "${DIST}"
  assert_failure 1
  assert_output --partial "publish-release: the release v${VERSION} already has a BUILDINFO with other bytes than ${DIST}/BUILDINFO; nothing was uploaded"
  run grep -c "^POST " "${SERVICES}/requests"
  assert_output 0
}

@test "a tag that is not v<VERSION>, files the commit does not name, or no token: each fails before any request" {
  publish "v0.0.1" "${DIST}"
  assert_failure 2
  assert_output "publish-release: the tag v0.0.1 is not v${VERSION}, the VERSION of this commit"
  tarball="${DIST}/kaniko-buildkite-helper-${VERSION}-linux-arm64.tar.gz"
  cp "${tarball}" "${BATS_TEST_TMPDIR}/released.tar.gz"
  head -c 10 /dev/urandom >>"${tarball}"
  publish "v${VERSION}" "${DIST}"
  assert_failure 1
  assert_output --partial "linux-arm64.tar.gz has sha256 "
  assert_output --partial "this is not the release this commit names"
  cp "${BATS_TEST_TMPDIR}/released.tar.gz" "${tarball}"
  unset GITHUB_TOKEN
  publish "v${VERSION}" "${DIST}"
  assert_failure 2
  assert_output "publish-release: no GitHub token: set GITHUB_TOKEN, or give the agent the secret github_release_token"
  assert_equal "$(requests)" 0
}
