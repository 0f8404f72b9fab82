#!/usr/bin/env bash
# Benchmark: how fast the helper asks a registry for a tag's digest. Side by side, in one run, against
# one local TLS registry with htpasswd auth, interleaved so that all three see the same machine:
#   helper  kaniko-buildkite-helper exists REF
#   curl    curl -I with the same Accept header and credentials: the floor
#   skopeo  skopeo inspect --raw: what a user would reach for
# Targets: the helper's median within 1.3x of curl's, and at least 3x faster than skopeo's.
# Exits 1 when a target is missed. RUNS (default 50) sets the runs per tool.
set -euo pipefail
plugin_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PLUGIN_DIR="${plugin_dir}"
# shellcheck source=scripts/lib/registry.bash
. "${plugin_dir}/scripts/lib/registry.bash"
runs="${RUNS:-50}"

"${plugin_dir}/scripts/install-deps"
"${plugin_dir}/scripts/build-helper"
helper="${plugin_dir}/build/kaniko-buildkite-helper"

work="$(mktemp -d /tmp/kaniko-bench.XXXXXX)"
trap 'stop_services "${work}"; rm -rf "${work}"' EXIT
password="bench-$$"
port="$(start_registry "${work}" htpasswd bench "${password}")"
ref="127.0.0.1:${port}/bench/app:v1"
mkdir -p "${work}/certs"
cp "${work}/cert.pem" "${work}/certs/ca.crt"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "${port}" "$(printf 'bench:%s' "${password}" | base64 -w0)" \
  >"${work}/auth.json"
make_image "${work}/layout" v1 "benchmark"
push_image "${work}/layout" v1 "${work}/auth.json" "${work}/certs" "${ref}" >/dev/null

accept="Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json"
run_helper() { "${helper}" exists --docker-config "${work}/auth.json" --ca-file "${work}/cert.pem" "${ref}"; }
run_curl() {
  curl -sS -o /dev/null -I --fail --cacert "${work}/cert.pem" -u "bench:${password}" -H "${accept}" \
    "https://127.0.0.1:${port}/v2/bench/app/manifests/v1"
}
run_skopeo() { skopeo inspect --raw --authfile "${work}/auth.json" --cert-dir "${work}/certs" "docker://${ref}"; }

# Each must work before it is timed.
[[ "$(run_helper)" == sha256:* ]]
run_curl
run_skopeo >/dev/null

samples="${work}/samples"
for _ in $(seq "${runs}"); do
  for tool in helper curl skopeo; do
    start="$(date +%s%N)"
    "run_${tool}" >/dev/null
    echo "${tool} $(($(date +%s%N) - start))" >>"${samples}"
  done
done

/usr/bin/python3 - "${samples}" "${runs}" <<'PY'
import statistics
import sys

times = {}
for line in open(sys.argv[1]):
    tool, ns = line.split()
    times.setdefault(tool, []).append(int(ns) / 1e6)
median = {tool: statistics.median(values) for tool, values in times.items()}
print(f"exists against a local TLS registry, {sys.argv[2]} runs each (median, p90 in ms)")
for tool in ("helper", "curl", "skopeo"):
    values = sorted(times[tool])
    print(f"  {tool:7} {median[tool]:8.2f} {values[int(len(values) * 0.9) - 1]:8.2f}")
vs_curl = median["helper"] / median["curl"]
vs_skopeo = median["skopeo"] / median["helper"]
print(f"helper / curl   = {vs_curl:.2f}x (target <= 1.3x): {'met' if vs_curl <= 1.3 else 'MISSED'}")
print(f"skopeo / helper = {vs_skopeo:.2f}x (target >= 3x): {'met' if vs_skopeo >= 3 else 'MISSED'}")
sys.exit(0 if vs_curl <= 1.3 and vs_skopeo >= 3 else 1)
PY
