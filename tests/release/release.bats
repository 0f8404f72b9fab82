#!/usr/bin/env bats
# scripts/release, run twice: the same bytes each time, and helpers that run where nothing is
# installed (amd64 in the empty root of tests/integration/static.bats, arm64 under qemu-user-static).
# Slow (two release builds): scripts/test --release runs it, the default scripts/test does not. It
# also checks that the committed helper-checksums.txt is what the commit releases: run it before a tag.

load ../bats/helpers

setup_file() {
  export DIST1 DIST2 UNPACKED VERSION_NAME
  DIST1="$(mktemp -d /tmp/kaniko-dist.XXXXXX)"
  DIST2="$(mktemp -d /tmp/kaniko-dist.XXXXXX)"
  UNPACKED="$(mktemp -d /tmp/kaniko-unpacked.XXXXXX)"
  VERSION_NAME="kaniko-buildkite-helper-$(cat "${PLUGIN_DIR}/VERSION")"
  # Both runs build one commit, even if another is made meanwhile.
  commit="$(git -C "${PLUGIN_DIR}" rev-parse HEAD)"
  "${PLUGIN_DIR}/scripts/release" "${DIST1}" "${commit}" >"${DIST1}.log" 2>&1
  "${PLUGIN_DIR}/scripts/release" "${DIST2}" "${commit}" >"${DIST2}.log" 2>&1
  for arch in amd64 arm64; do tar -C "${UNPACKED}" -xzf "${DIST1}/${VERSION_NAME}-linux-${arch}.tar.gz"; done
}

teardown_file() { rm -rf "${DIST1}" "${DIST2}" "${UNPACKED}" "${DIST1}.log" "${DIST2}.log"; }

@test "two runs on one commit give byte-identical tarballs" {
  for arch in amd64 arm64; do
    cmp "${DIST1}/${VERSION_NAME}-linux-${arch}.tar.gz" "${DIST2}/${VERSION_NAME}-linux-${arch}.tar.gz"
  done
  assert_equal "$(cat "${DIST1}/SHA256SUMS")" "$(cat "${DIST2}/SHA256SUMS")"
}

@test "SHA256SUMS holds both tarballs, in sha256sum's format" {
  run bash -c 'cd "$1" && sha256sum --check --strict SHA256SUMS' _ "${DIST1}"
  assert_success
  assert_line "${VERSION_NAME}-linux-amd64.tar.gz: OK"
  assert_line "${VERSION_NAME}-linux-arm64.tar.gz: OK"
}

@test "each tarball unpacks to one directory: the helper and the licence, owned by root, no build path" {
  for arch in amd64 arm64; do
    run tar -tzvf "${DIST1}/${VERSION_NAME}-linux-${arch}.tar.gz"
    assert_equal "${#lines[@]}" 3
    assert_line --partial "0/0 "
    assert_line --partial " ${VERSION_NAME}-linux-${arch}/kaniko-buildkite-helper"
    assert_line --partial " ${VERSION_NAME}-linux-${arch}/LICENSE"
    run grep -c -e /tmp/kaniko-release -e "${PLUGIN_DIR}" "${UNPACKED}/${VERSION_NAME}-linux-${arch}/kaniko-buildkite-helper"
    assert_output 0
  done
}

@test "the arm64 helper is an arm64 program that runs version and plan under qemu" {
  helper="${UNPACKED}/${VERSION_NAME}-linux-arm64/kaniko-buildkite-helper"
  run readelf --file-header "${helper}"
  assert_line --partial "AArch64"
  run qemu-aarch64-static "${helper}" version
  assert_success
  assert_output "kaniko-buildkite-helper $(cat "${PLUGIN_DIR}/VERSION")"
  cd "${BATS_TEST_TMPDIR}"
  printf 'FROM scratch\n' >Dockerfile
  BUILDKITE_PLUGIN_CONFIGURATION='{"image":"app","registry":"registry.test","auth":"none"}' \
    run qemu-aarch64-static "${helper}" plan
  assert_success
  assert_line --partial "--destination=registry.test/app:local-0"
}

@test "the amd64 helper passes the empty-root tests" {
  KANIKO_STATIC_HELPER="${UNPACKED}/${VERSION_NAME}-linux-amd64/kaniko-buildkite-helper" \
    run bats "${PLUGIN_DIR}/tests/integration/static.bats"
  assert_success
  assert_line --partial "ok 3 in an empty root it asks a TLS registry for a digest"
}

@test "BUILDINFO names each helper's compiler, linker and packages, and SHA256SUMS its sum" {
  for arch in amd64 arm64; do
    grep -q "^${arch} compiler: " "${DIST1}/BUILDINFO"
    grep -q "^${arch} linker: GNU ld" "${DIST1}/BUILDINFO"
    grep -qE "^${arch} package: libcurl4-openssl-dev:${arch} [0-9]" "${DIST1}/BUILDINFO"
    grep -qE "^${arch} package: libssl-dev:${arch} [0-9]" "${DIST1}/BUILDINFO"
  done
  grep -q "^arm64 package: libboost-json1.81-dev:arm64 " "${DIST1}/BUILDINFO"
  grep -qE "^[0-9a-f]{64}  BUILDINFO$" "${DIST1}/SHA256SUMS"
}

# moved_packages COMMITTED BUILT: each package whose version differs, as "name: old -> new".
moved_packages() {
  join -a 1 -a 2 -e none -o 0,1.2,2.2 <(sed -n 's/^\([a-z0-9]*\) package: \([^ ]*\) \(.*\)/\1\/\2 \3/p' "$1" | sort) \
    <(sed -n 's/^\([a-z0-9]*\) package: \([^ ]*\) \(.*\)/\1\/\2 \3/p' "$2" | sort) |
    awk '$2 != $3 { printf "%s: %s -> %s\n", $1, $2, $3 }'
}

@test "helper-checksums.txt at the root is what this commit releases, ready to tag" {
  # The sums are only comparable with a build from the same inputs: one from other package versions
  # gives other bytes, and a release is rebuilt on purpose, never by accident.
  moved="$(moved_packages "${PLUGIN_DIR}/helper-buildinfo.txt" "${DIST1}/BUILDINFO")"
  [[ -z "${moved}" ]] || fail "this machine's packages are not those the release was built from (helper-buildinfo.txt):
${moved}
Install those versions to check the release, or rebuild it on purpose: scripts/release, then commit dist/helper-checksums.txt and dist/BUILDINFO as helper-buildinfo.txt"
  diff "${DIST1}/BUILDINFO" "${PLUGIN_DIR}/helper-buildinfo.txt" ||
    fail "helper-buildinfo.txt is stale: copy dist/BUILDINFO from scripts/release to it and commit it"
  diff "${DIST1}/helper-checksums.txt" "${PLUGIN_DIR}/helper-checksums.txt" ||
    fail "helper-checksums.txt is stale: copy dist/helper-checksums.txt from scripts/release and commit it"
}
