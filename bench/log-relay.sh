#!/usr/bin/env bash
# Benchmark: what relaying the executor's output through the helper costs (masking secrets, keeping
# the failure tail), against the recipe, where `docker run` writes to the job log itself. Both run
# the same stand-in `docker run` that prints a file; the job log is /dev/null.
#   lines     50 MB of 100-byte lines
#   one line  100 MB with no newline at all
# The helper's relay cost is its CPU time with the file minus its CPU time with empty output (token,
# files and start-up cancel out), less the same difference for the recipe (what `cat` itself costs).
# Targets: >= 500 MB/s of relay for 100-byte lines on one core, and peak RSS <= 16 MiB in both cases.
# Exits 1 when a target is missed. RUNS (default 5) sets the runs per case; the median counts.
set -euo pipefail
plugin_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-5}"

"${plugin_dir}/scripts/install-deps"
helper="${KANIKO_HELPER:-}"
if [[ -z "${helper}" ]]; then
  "${plugin_dir}/scripts/build-helper"
  helper="${plugin_dir}/build/kaniko-buildkite-helper"
fi

work="$(mktemp -d /tmp/kaniko-bench-relay.XXXXXX)"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/bin" "${work}/checkout" "${work}/record" "${work}/tmp"
printf 'FROM scratch\n' >"${work}/checkout/Dockerfile"
: >"${work}/empty"
head -c 50000000 < <(yes "$(head -c 99 /dev/zero | tr "\0" l)") >"${work}/lines"
head -c 100000000 /dev/zero | tr '\0' 'a' >"${work}/one-line"

# `docker run` of an executor that prints the file; the engine check answers, nothing else is asked.
# Once all is printed it notes its parent's peak RSS: under the plugin that is the helper alone
# (time's figure would be the largest process of the tree, the agent stand-in's included).
cat >"${work}/bin/docker" <<'SH'
#!/bin/sh
case "$1" in
  version) echo bench ;;
  run)
    cat "${BENCH_OUTPUT}"
    status=$?
    sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/${PPID}/status" >"${BENCH_RSS}"
    exit "${status}" ;;
esac
SH
chmod +x "${work}/bin/docker"
ln -s "${plugin_dir}/tests/stand-ins/buildkite-agent" "${work}/bin/buildkite-agent"

export PATH="${work}/bin:${PATH}" STAND_IN_DIR="${work}/record" TMPDIR="${work}/tmp"
export BUILDKITE_JOB_ID=bench BUILDKITE_ORGANIZATION_SLUG=acme BUILDKITE_COMMIT=0123456789ab BUILDKITE_BUILD_NUMBER=1
# A real OIDC token, so that its forms are masked as in a build; no annotation, no registry checks.
export BUILDKITE_PLUGIN_CONFIGURATION='{"image":"bench","package-registry":"bench","annotate":false,"preflight":false,"verify":false,"push":false}'

# measure NAME FILE: appends "NAME cpu_seconds peak_rss_kib" for the plugin and for the recipe.
measure() {
  local name="$1" file="$2" t="${work}/time"
  export BENCH_OUTPUT="${file}" BENCH_RSS="${work}/rss"
  (cd "${work}/checkout" && /usr/bin/time -f '%U %S' -o "${t}" "${helper}" build >/dev/null)
  echo "plugin-${name} $(awk '{ print $1 + $2 }' "${t}") $(cat "${BENCH_RSS}")" >>"${work}/samples"
  BENCH_RSS=/dev/null /usr/bin/time -f '%U %S' -o "${t}" docker run >/dev/null
  echo "recipe-${name} $(awk '{ print $1 + $2 }' "${t}") 0" >>"${work}/samples"
}

for _ in $(seq "${runs}"); do
  measure empty "${work}/empty"
  measure lines "${work}/lines"
  measure one-line "${work}/one-line"
done

/usr/bin/python3 - "${work}/samples" "${runs}" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)" <<'PY'
import statistics
import sys

cpu, rss = {}, {}
for line in open(sys.argv[1]):
    name, seconds, kib = line.split()
    cpu.setdefault(name, []).append(float(seconds))
    rss.setdefault(name, []).append(int(kib))
med = {name: statistics.median(values) for name, values in cpu.items()}
print(f"log relay, {sys.argv[2]} runs per case (median CPU), load average {sys.argv[3]} on {sys.argv[4]} cores")
ok = True
for case, megabytes in (("lines", 50), ("one-line", 100)):
    relay = (med[f"plugin-{case}"] - med["plugin-empty"]) - (med[f"recipe-{case}"] - med["recipe-empty"])
    rate = megabytes / relay if relay > 0.005 else float("inf")
    peak = max(rss[f"plugin-{case}"]) / 1024  # the helper's own VmHWM
    label = "100-byte lines" if case == "lines" else "one line, no newline"
    rate_text = f"{rate:8.0f} MB/s" if rate != float("inf") else "  (below the timer's resolution)"
    print(f"  {label:22} {megabytes:4d} MB  relay CPU {max(relay, 0):6.3f} s  {rate_text}  peak RSS {peak:5.1f} MiB")
    if case == "lines" and rate < 500:
        ok = False
        print("    MISSED: 100-byte lines relay at under 500 MB/s")
    if peak > 16:
        ok = False
        print("    MISSED: peak RSS over 16 MiB")
print("targets: >= 500 MB/s for 100-byte lines, peak RSS <= 16 MiB:", "met" if ok else "MISSED")
sys.exit(0 if ok else 1)
PY
