# shellcheck shell=sh
# Finds the helper binary that does the plugin's work, downloading or building it when the plugin's
# checkout has none. Sourced by the hooks (POSIX sh: it also runs under busybox sh and dash); prints the
# helper's path on stdout and everything else on stderr. The caller sets kaniko_plugin_dir.
#
# Order: the `helper` attribute or $KANIKO_HELPER; build/ in the checkout; a release helper unpacked
# in .helper/<version>-<arch>/; a download of the release helper, verified against the checkout's
# helper-checksums.txt; a build from source. Exit status 2 when none is possible.

: "${kaniko_plugin_dir:?the hook sets kaniko_plugin_dir before it sources lib/helper.sh}"
kaniko_release_base="https://github.com/kaniko-buildkite-plugin/kaniko-buildkite-plugin/releases/download"

# kaniko_attribute SUFFIX: the flattened attribute BUILDKITE_PLUGIN_<NAME>_SUFFIX, where NAME is what
# the agent named this plugin after its location (BUILDKITE_PLUGIN_NAME: KANIKO, or a fork's name).
kaniko_attribute() {
  kaniko_plugin_name="${BUILDKITE_PLUGIN_NAME:-KANIKO}"
  case "${kaniko_plugin_name}" in
    "" | *[!A-Z0-9_]*) kaniko_plugin_name=KANIKO ;;
  esac
  eval "printf '%s' \"\${BUILDKITE_PLUGIN_${kaniko_plugin_name}_$1:-}\""
}

# kaniko_helper_path build|no-build: pre-exit passes no-build, so it never downloads or compiles.
kaniko_helper_path() {
  for kaniko_candidate in "$(kaniko_attribute HELPER)" "${KANIKO_HELPER:-}"; do
    [ -n "${kaniko_candidate}" ] || continue
    if [ -f "${kaniko_candidate}" ] && [ -x "${kaniko_candidate}" ]; then
      [ "${1:-build}" != build ] || kaniko_warn_other_version "${kaniko_candidate}"
      printf '%s\n' "${kaniko_candidate}"
      return 0
    fi
    echo "kaniko: the helper ${kaniko_candidate} (from the helper attribute or KANIKO_HELPER) is not an executable file" >&2
    return 2
  done
  if [ -x "${kaniko_plugin_dir}/build/kaniko-buildkite-helper" ]; then
    printf '%s\n' "${kaniko_plugin_dir}/build/kaniko-buildkite-helper"
    return 0
  fi
  kaniko_release_paths || return 1
  if [ -x "${kaniko_release_dir}/kaniko-buildkite-helper" ]; then
    printf '%s\n' "${kaniko_release_dir}/kaniko-buildkite-helper"
    return 0
  fi
  [ "${1:-build}" = build ] || return 1

  # Why no release helper could be had, for the final error.
  kaniko_no_download="" kaniko_not_published=""
  case "${KANIKO_HELPER_DOWNLOAD:-true}" in
    true) kaniko_download_release || {
      kaniko_status=$?
      # A bad helper-url, or a download that failed verification, ends the job: neither is an outage.
      [ "${kaniko_status}" -eq 2 ] && return 2
      [ "${kaniko_status}" -eq 3 ] && return 1
      kaniko_no_download="the release helper could not be downloaded (above)"
      [ "${kaniko_status}" -eq 4 ] && kaniko_not_published=1
    } ;;
    false) kaniko_no_download="downloading the release helper is off (KANIKO_HELPER_DOWNLOAD=false)" ;;
    *)
      echo "kaniko: KANIKO_HELPER_DOWNLOAD is \"${KANIKO_HELPER_DOWNLOAD}\"; it must be true or false" >&2
      return 2
      ;;
  esac
  if [ -z "${kaniko_no_download}" ]; then
    printf '%s\n' "${kaniko_release_dir}/kaniko-buildkite-helper"
    return 0
  fi

  kaniko_missing=""
  for kaniko_tool in cmake c++ flock bash; do
    command -v "${kaniko_tool}" >/dev/null 2>&1 || kaniko_missing="${kaniko_missing}${kaniko_missing:+, }${kaniko_tool}"
  done
  if [ -z "${kaniko_missing}" ]; then
    "${kaniko_plugin_dir}/scripts/build-helper" >&2 || return 1
    printf '%s\n' "${kaniko_plugin_dir}/build/kaniko-buildkite-helper"
    return 0
  fi
  # A release that is not published was said in one line, with the ways out; access is not the matter.
  [ -z "${kaniko_not_published}" ] || return 2
  echo "kaniko: no helper on this agent: ${kaniko_no_download}, and it cannot be built (${kaniko_missing} not found). Either install a release helper and set KANIKO_HELPER to it (README, \"Pre-installing the helper\"), or let the agent download it (KANIKO_HELPER_DOWNLOAD=true, with access to $(kaniko_release_url)), or install the build tools (cmake, a C++20 compiler, Boost 1.81, fmt and libcurl headers)" >&2
  return 2
}

# An installed helper outlives plugin upgrades; a helper of another version may not know what the
# plugin's attributes and hooks expect of it. Worth a line, not a failed step.
kaniko_warn_other_version() {
  read -r kaniko_version <"${kaniko_plugin_dir}/VERSION" || return 0
  kaniko_reported="$("$1" version 2>/dev/null || true)"
  [ "${kaniko_reported}" != "kaniko-buildkite-helper ${kaniko_version}" ] || return 0
  echo "kaniko: warning: the helper $1 says \"${kaniko_reported}\", but this plugin is ${kaniko_version}; install the helper of the same version (scripts/install-helper) or unset KANIKO_HELPER" >&2
}

# Sets kaniko_version, kaniko_arch and kaniko_release_dir: this checkout's release helper for this machine.
kaniko_release_paths() {
  read -r kaniko_version <"${kaniko_plugin_dir}/VERSION" || return 1
  kaniko_arch="$(kaniko_release_arch)"
  kaniko_release_dir="${kaniko_plugin_dir}/.helper/${kaniko_version}-${kaniko_arch}"
}

# The release's name for this machine, or the machine's own for one without a release.
kaniko_release_arch() {
  kaniko_machine="$(uname -m)"
  case "${kaniko_machine}" in
    x86_64 | amd64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) echo "${kaniko_machine}" ;;
  esac
}

kaniko_release_name() { echo "kaniko-buildkite-helper-${kaniko_version}-linux-${kaniko_arch}"; }

kaniko_release_url() {
  kaniko_base="$(kaniko_attribute HELPER_URL)"
  kaniko_base="${kaniko_base:-${KANIKO_HELPER_URL:-${kaniko_release_base}/v${kaniko_version}}}"
  echo "${kaniko_base%/}/$(kaniko_release_name).tar.gz"
}

# The sha256 that the checkout's helper-checksums.txt gives this version's tarball; empty if none.
kaniko_expected_sum() {
  kaniko_wanted="$(kaniko_release_name).tar.gz"
  [ -r "${kaniko_plugin_dir}/helper-checksums.txt" ] || return 0
  while read -r kaniko_sum kaniko_file; do
    if [ "${kaniko_file#\*}" = "${kaniko_wanted}" ]; then
      echo "${kaniko_sum}"
      return 0
    fi
  done <"${kaniko_plugin_dir}/helper-checksums.txt"
}

# Status 0: unpacked into .helper/; 1: not available (no checksum, no network, no tool); 2: helper-url
# is not a URL; 3: the download does not match its checksum; 4: the server has no such release (404).
kaniko_download_release() {
  case "$(kaniko_release_url)" in
    http://* | https://*) ;;
    *)
      if [ -n "$(kaniko_attribute HELPER_URL)" ]; then
        kaniko_name=helper-url kaniko_value="$(kaniko_attribute HELPER_URL)"
      else
        kaniko_name=KANIKO_HELPER_URL kaniko_value="${KANIKO_HELPER_URL:-}"
      fi
      echo "kaniko: ${kaniko_name}: \"${kaniko_value}\" is not an http(s) URL; give the folder that holds the release tarballs" >&2
      return 2
      ;;
  esac
  kaniko_expected="$(kaniko_expected_sum)"
  if [ -z "${kaniko_expected}" ]; then
    echo "kaniko: helper-checksums.txt names no release helper $(kaniko_release_name), so none is downloaded" >&2
    return 1
  fi
  if ! command -v sha256sum >/dev/null 2>&1; then
    echo "kaniko: sha256sum is not installed, so a downloaded helper could not be verified" >&2
    return 1
  fi
  mkdir -p "${kaniko_plugin_dir}/.helper" || return 1
  kaniko_lock="${kaniko_plugin_dir}/.helper/.lock"
  kaniko_take_lock "${kaniko_lock}" || return 1
  if kaniko_locked_download; then kaniko_status=0; else kaniko_status=$?; fi
  rm -rf "${kaniko_lock}"
  return "${kaniko_status}"
}

# Runs while holding the lock, so nothing else writes to .helper/.
kaniko_locked_download() {
  # Another job finished the download while this one waited for the lock.
  [ -x "${kaniko_release_dir}/kaniko-buildkite-helper" ] && return 0
  # What a killed download left: no other download can be running now.
  rm -rf "${kaniko_plugin_dir}/.helper/.download."*
  kaniko_work="$(mktemp -d "${kaniko_plugin_dir}/.helper/.download.XXXXXX")" || return 1
  kaniko_url="$(kaniko_release_url)"
  echo "~~~ :kaniko: Downloading the kaniko plugin helper ${kaniko_version} (linux-${kaniko_arch})" >&2
  echo "${kaniko_url}" >&2
  if kaniko_fetch "${kaniko_url}" "${kaniko_work}/release.tar.gz"; then kaniko_status=0; else kaniko_status=$?; fi
  if [ "${kaniko_status}" -ne 0 ]; then
    rm -rf "${kaniko_work}"
    [ "${kaniko_status}" -ne 4 ] ||
      echo "kaniko: ${kaniko_url} answered 404 Not Found: release ${kaniko_version} of the helper is not published there. Pre-install it with scripts/install-helper (README, \"Pre-installing the helper\"), or set helper-url to a mirror that serves $(kaniko_release_name).tar.gz" >&2
    return "${kaniko_status}"
  fi
  kaniko_actual="$(sha256sum <"${kaniko_work}/release.tar.gz")"
  kaniko_actual="${kaniko_actual%% *}"
  if [ "${kaniko_actual}" != "${kaniko_expected}" ]; then
    rm -rf "${kaniko_work}"
    echo "+++ :kaniko: The downloaded helper is not the released one" >&2
    echo "kaniko: ${kaniko_url} has sha256 ${kaniko_actual}, but helper-checksums.txt in the plugin says ${kaniko_expected}; it was deleted and not run. Check helper-url or KANIKO_HELPER_URL, and what serves it" >&2
    return 3
  fi
  mkdir "${kaniko_work}/unpacked" &&
    tar -xzf "${kaniko_work}/release.tar.gz" -C "${kaniko_work}/unpacked" &&
    [ -x "${kaniko_work}/unpacked/$(kaniko_release_name)/kaniko-buildkite-helper" ] &&
    rm -rf "${kaniko_release_dir}" &&
    mv "${kaniko_work}/unpacked/$(kaniko_release_name)" "${kaniko_release_dir}"
  kaniko_status=$?
  rm -rf "${kaniko_work}"
  if [ "${kaniko_status}" -ne 0 ]; then
    echo "kaniko: the verified helper tarball could not be unpacked into ${kaniko_release_dir}" >&2
    return 1
  fi
}

# kaniko_fetch URL FILE: three tries, each with timeouts, with curl or else wget (busybox's too).
# Status 4: the server answered 404, which another try would not change; 1: no answer worth having.
kaniko_fetch() {
  for kaniko_try in 1 2 3; do
    if command -v curl >/dev/null 2>&1; then
      kaniko_code="$(curl --silent --show-error --location --connect-timeout 10 --max-time 300 --output "$2" \
        --write-out '%{http_code}' "$1")" || kaniko_code=""
      [ "${kaniko_code}" = 200 ] && return 0
      [ "${kaniko_code}" = 404 ] && return 4
      [ -z "${kaniko_code}" ] || echo "kaniko: $1 answered ${kaniko_code}" >&2
    elif command -v wget >/dev/null 2>&1; then
      # Not wget -T: busybox 1.35's wget crashes with it (Debian 12's busybox-static). Its error
      # names the status: "server returned error: HTTP/1.1 404 Not Found" (GNU wget: "ERROR 404").
      if command -v timeout >/dev/null 2>&1; then
        kaniko_said="$(timeout 300 wget -q -O "$2" "$1" 2>&1)" && return 0
      else
        kaniko_said="$(wget -q -O "$2" "$1" 2>&1)" && return 0
      fi
      case "${kaniko_said}" in
        *" 404 "* | *" 404:"* | *"ERROR 404"*) return 4 ;;
      esac
      [ -z "${kaniko_said}" ] || printf '%s\n' "${kaniko_said}" >&2
    else
      echo "kaniko: neither curl nor wget is installed, so the helper cannot be downloaded" >&2
      return 1
    fi
    [ "${kaniko_try}" = 3 ] || sleep "${kaniko_try}"
  done
  echo "kaniko: could not download $1 (3 tries)" >&2
  return 1
}

# A directory as the lock: mkdir is atomic everywhere (busybox has no flock). The owner's pid and
# host let a later job take over the lock of one that was killed.
kaniko_take_lock() {
  kaniko_host="$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
  kaniko_waited=0 kaniko_ownerless=0
  until mkdir "$1" 2>/dev/null; do
    if [ -r "$1/owner" ] && read -r kaniko_pid kaniko_owner_host <"$1/owner"; then
      if [ "${kaniko_owner_host}" = "${kaniko_host}" ] && ! kaniko_running "${kaniko_pid}"; then
        echo "kaniko: taking over the download lock of process ${kaniko_pid}, which has ended" >&2
        rm -rf "$1"
        continue
      fi
    else
      # A job killed between mkdir and writing its name leaves a lock without an owner.
      kaniko_ownerless=$((kaniko_ownerless + 1))
      if [ "${kaniko_ownerless}" -gt 50 ]; then
        echo "kaniko: taking over the download lock $1, which names no owner" >&2
        rm -rf "$1"
        kaniko_ownerless=0
        continue
      fi
    fi
    if [ "${kaniko_waited}" = 0 ]; then
      echo "kaniko: waiting for another job on this host to download the helper" >&2
    fi
    kaniko_waited=$((kaniko_waited + 1))
    # Three tries of at most 300 s each, and some.
    if [ "${kaniko_waited}" -gt 6000 ]; then
      echo "kaniko: gave up waiting for the download lock $1 after 20 minutes; remove it if no job holds it" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "$$ ${kaniko_host}" >"$1/owner"
}

# /proc sees every user's processes; kill -0 only where /proc is not mounted.
kaniko_running() {
  if [ -d /proc/self ]; then [ -d "/proc/$1" ]; else kill -0 "$1" 2>/dev/null; fi
}
