#!/usr/bin/env bash
# Packs a helper binary the way a release ships it, reproducibly: scripts/release uses it for the
# helpers it builds, the download tests for the static helper that scripts/test builds.

# Resolved now: a caller may change directory before it calls release_arch.
pack_plugin_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The release's name for this machine's architecture: the hooks' own answer, in a subshell that keeps
# their functions out of the caller.
release_arch() {
  (
    kaniko_plugin_dir="${pack_plugin_dir}"
    # shellcheck source=lib/helper.sh
    . "${kaniko_plugin_dir}/lib/helper.sh"
    kaniko_release_arch
  )
}

# pack_helper BINARY LICENSE VERSION ARCH EPOCH DIST [STRIP]: writes
# DIST/kaniko-buildkite-helper-VERSION-linux-ARCH.tar.gz, which unpacks to a directory of that name
# holding the stripped helper and LICENSE, every file dated EPOCH and owned by root.
pack_helper() {
  local binary="$1" license="$2" version="$3" arch="$4" epoch="$5" dist="$6" strip="${7:-strip}"
  local name="kaniko-buildkite-helper-${version}-linux-${arch}" pack
  pack="$(mktemp -d /tmp/kaniko-pack.XXXXXX)"
  mkdir "${pack}/${name}"
  cp "${binary}" "${pack}/${name}/kaniko-buildkite-helper"
  cp "${license}" "${pack}/${name}/LICENSE"
  "${strip}" --strip-all "${pack}/${name}/kaniko-buildkite-helper"
  chmod 0755 "${pack}/${name}" "${pack}/${name}/kaniko-buildkite-helper"
  chmod 0644 "${pack}/${name}/LICENSE"
  mkdir -p "${dist}"
  tar -C "${pack}" --sort=name --mtime="@${epoch}" --owner=0 --group=0 --numeric-owner --format=gnu \
    -cf - "${name}" | gzip -n -9 >"${dist}/${name}.tar.gz"
  rm -rf "${pack}"
}

# write_checksums DIST VERSION: DIST/SHA256SUMS for both architectures, and DIST/helper-checksums.txt,
# the same lines under a header naming the version: the file a release commits at the plugin's root.
write_checksums() {
  local dist="$1" version="$2"
  (cd "${dist}" && sha256sum "kaniko-buildkite-helper-${version}-linux-amd64.tar.gz" \
    "kaniko-buildkite-helper-${version}-linux-arm64.tar.gz" >SHA256SUMS)
  {
    echo "# kaniko-buildkite-helper ${version}: the release's SHA256SUMS (scripts/release)."
    echo "# The hooks verify a downloaded helper against this file, never against a sum from the server."
    cat "${dist}/SHA256SUMS"
  } >"${dist}/helper-checksums.txt"
}

# fresh_copy PLUGIN_DIR DEST: the plugin as a new checkout has it: the files git knows (new ones not yet
# committed included), as they are in the work tree, and no build/.
fresh_copy() {
  mkdir -p "$2"
  git -C "$1" ls-files -z --cached --others --exclude-standard | tar -C "$1" --null -T - -cf - | tar -C "$2" -xf -
}

# build_static_helper PLUGIN_DIR: the fully static helper in PLUGIN_DIR/build-static/.
build_static_helper() {
  local log
  log="$(mktemp /tmp/kaniko-static-build.XXXXXX)"
  cmake -S "$1" -B "$1/build-static" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DKANIKO_STATIC=ON >/dev/null
  # glibc warns about every resolver function linked statically; the log is shown only on failure.
  cmake --build "$1/build-static" -j 2 >"${log}" 2>&1 || {
    cat "${log}"
    rm -f "${log}"
    return 1
  }
  rm -f "${log}"
}
