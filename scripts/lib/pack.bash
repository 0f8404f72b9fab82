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

# write_checksums DIST VERSION: DIST/SHA256SUMS for both architectures and DIST/BUILDINFO, and
# DIST/helper-checksums.txt, the same lines under a header naming the version: the file a release
# commits at the plugin's root.
write_checksums() {
  local dist="$1" version="$2"
  (cd "${dist}" && sha256sum "kaniko-buildkite-helper-${version}-linux-amd64.tar.gz" \
    "kaniko-buildkite-helper-${version}-linux-arm64.tar.gz" BUILDINFO >SHA256SUMS)
  {
    echo "# kaniko-buildkite-helper ${version}: the release's SHA256SUMS (scripts/release)."
    echo "# The hooks verify a downloaded helper against this file, never against a sum from the server."
    echo "# The sums cover BUILDINFO too, what the tarballs were built from: helper-buildinfo.txt."
    cat "${dist}/SHA256SUMS"
  } >"${dist}/helper-checksums.txt"
}

# build_inputs BUILD_DIR ARCH CXX LD: what went into the helper that BUILD_DIR built, for BUILDINFO:
# the compiler and the linker, then every Debian package owning a header the compiler read (ninja's
# depfiles) or a file the linker took (the link again with --trace, into /dev/null), with its exact
# version, one line each, sorted. Files of the source tree belong to no package and are left out.
build_inputs() {
  local build="$1" arch="$2" cxx="$3" ld="$4" link files
  echo "${arch} compiler: $("${cxx}" --version | head -n 1)"
  echo "${arch} linker: $("${ld}" --version | head -n 1)"
  link="$(ninja -C "${build}" -t commands kaniko-buildkite-helper | tail -n 1)"
  link="${link#: && }"
  link="${link%% && :*}"
  files="$(
    ninja -C "${build}" -t deps | sed -n 's/^    \(\/.*\)/\1/p'
    (cd "${build}" && eval "${link/ -o kaniko-buildkite-helper / -o /dev/null } -Wl,--trace") 2>/dev/null |
      sed -E 's/^\(([^)]*)\).*/\1/' | grep '^/'
    command -v "${cxx}" "${ld}"
  )"
  # dpkg knows a file by the path it installed, which a link may reach through another.
  files="$(printf '%s\n' "${files}" | sort -u)"
  files="$(printf '%s\n' "${files}"; printf '%s\n' "${files}" | xargs -d '\n' realpath -m)"
  # shellcheck disable=SC2046 # one argument per file; no path holds white space
  # dpkg -S fails for the paths it does not know, and prints the ones it does.
  # A header that two architectures' packages share (Multi-Arch: same) is counted for this one's.
  { dpkg -S $(printf '%s\n' "${files}" | grep -v -e '^$' -e "^${build}" | sort -u) 2>/dev/null || true; } |
    sed 's/: \/.*//' | awk -v arch=":${arch}" '{
      n = split($0, owners, ", "); own = ""
      for (i = 1; i <= n; i++) if (substr(owners[i], length(owners[i]) - length(arch) + 1) == arch) own = owners[i]
      if (own != "") print own; else for (i = 1; i <= n; i++) print owners[i]
    }' | sort -u |
    xargs dpkg-query -W -f="${arch} package: \${Package}:\${Architecture} \${Version}\n" | sort -u
}

# write_buildinfo DIST VERSION EPOCH_COMMIT LINES_FILE: DIST/BUILDINFO from build_inputs' lines.
write_buildinfo() {
  {
    echo "# kaniko-buildkite-helper $2: what scripts/release built the release tarballs from."
    echo "# To rebuild the same bytes: Debian 12 with exactly these package versions (snapshot.debian.org"
    echo "# keeps every one), then scripts/release DIST with the commit that holds this file."
    echo "source: $3 (the last commit to CMakeLists.txt, VERSION, LICENSE or src/)"
    cat "$4"
  } >"$1/BUILDINFO"
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
