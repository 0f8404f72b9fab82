#!/usr/bin/env bash
# Benchmark: the index step against a local TLS registry with htpasswd auth, for 2 and 8 platforms,
# side by side in one run with `crane index append` doing the same (the children pushed beforehand,
# one index put under one tag), interleaved so that both see the same machine:
#   helper  kaniko-buildkite-helper build with `index:`, its digests from the stand-in agent's
#           meta-data (pre-flight and verification on, as a user runs it)
#   crane   crane index append -m CHILD... -t TAG (go-containerregistry v0.22.1), each CHILD's digest
#           read with `buildkite-agent meta-data get` as a hand-written step would
# Wall time is measured against the registry directly; requests are counted once per tool through a
# logging proxy in front of it. Targets: the helper makes one GET per child manifest and one per child
# config, one PUT per tag, and moves no other blob; its median is no slower than crane's.
# Exits 1 when a target is missed. RUNS (default 10) sets the runs per tool and size.
set -euo pipefail
plugin_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PLUGIN_DIR="${plugin_dir}"
# shellcheck source=scripts/lib/registry.bash
. "${plugin_dir}/scripts/lib/registry.bash"
# shellcheck source=scripts/lib/go_tools.bash
. "${plugin_dir}/scripts/lib/go_tools.bash"
runs="${RUNS:-10}"

"${plugin_dir}/scripts/install-deps"
"${plugin_dir}/scripts/build-helper"
# The release helper is the static one (build-static/, as scripts/test builds it); HELPER names another.
helper="${HELPER:-${plugin_dir}/build-static/kaniko-buildkite-helper}"
[[ -x "${helper}" ]] || helper="${plugin_dir}/build/kaniko-buildkite-helper"
crane="$(crane_tool)"

work="$(mktemp -d /tmp/kaniko-bench-index.XXXXXX)"
trap 'stop_services "${work}"; rm -rf "${work}"' EXIT
password="bench-$$"
port="$(start_registry "${work}" htpasswd bench "${password}")"
mkdir -p "${work}/certs" "${work}/docker"
cp "${work}/cert.pem" "${work}/certs/ca.crt"
proxy_port="$(free_port)"
/usr/bin/python3 "${plugin_dir}/tests/integration/fault_proxy.py" "${proxy_port}" "${work}/cert.pem" "${work}/key.pem" \
  "${port}" 0 "${work}/requests" >"${work}/proxy.log" 2>&1 &
echo "$!" >>"${work}/pids"
wait_for_https "${proxy_port}" "${work}/cert.pem"
auth="$(printf 'bench:%s' "${password}" | base64 -w0)"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"},"127.0.0.1:%s":{"auth":"%s"}}}\n' "${port}" "${auth}" \
  "${proxy_port}" "${auth}" >"${work}/docker/config.json"

platforms=(linux/amd64 linux/arm64 linux/arm/v7 linux/arm/v6 linux/386 linux/ppc64le linux/s390x linux/riscv64)
# The agent's CLI costs both sides the same per call (the real one is a request to the Agent API), so
# a minimal one stands in: meta-data as files, each call counted. tests/stand-ins/buildkite-agent
# would add 30 ms of bash to every call and measure itself.
mkdir -p "${work}/agent/meta-data" "${work}/bin"
cat >"${work}/bin/buildkite-agent" <<AGENT
#!/bin/sh
echo "\$*" >>"${work}/agent/calls"
case "\$1 \$2" in
  "meta-data set") key="\$3"; cat >"${work}/agent/meta-data/\$(printf '%s' "\$key" | tr / _)" ;;
  "meta-data get") eval "key=\\\${\$#}"; cat "${work}/agent/meta-data/\$(printf '%s' "\$key" | tr / _)" 2>/dev/null || true ;;
  *) cat >/dev/null ;;
esac
AGENT
chmod +x "${work}/bin/buildkite-agent"
export PATH="${work}/bin:${PATH}"
echo "payload" >"${work}/payload.txt"
for platform in "${platforms[@]}"; do
  suffix="${platform//\//-}"
  "${plugin_dir}/tests/integration/oci_image.py" "${work}/layout" "${suffix}" "${platform}" \
    "${work}/payload.txt=/${suffix}.txt" >/dev/null
  digest="$(push_image "${work}/layout" "${suffix}" "${work}/docker/config.json" "${work}/certs" \
    "127.0.0.1:${port}/bench/app:child-${suffix}")"
  echo "${digest}" >"${work}/digest-${suffix}"
  buildkite-agent meta-data set "kaniko-digest:bench/app:${platform}" <<<"${digest}"
done

# run_helper N HOST: the index of the first N platforms, under one tag.
run_helper() {
  local list
  list="$(printf '"%s",' "${platforms[@]:0:$1}")"
  (cd "${work}" && DOCKER_CONFIG="${work}/docker" BUILDKITE=true \
    BUILDKITE_JOB_ID=bench BUILDKITE_PLUGIN_CONFIGURATION="{\"image\":\"bench/app\",\"registry\":\"$2\",\"tags\":[\"helper-$1\"],\"index\":[${list%,}],\"annotate\":false,\"registry-certificates\":{\"$2\":\"${work}/cert.pem\"}}" \
    "${helper}" build >/dev/null)
}
# A step of one's own with crane: each digest read from meta-data, as the helper reads them.
run_crane() {
  local manifests=() platform
  for platform in "${platforms[@]:0:$1}"; do
    manifests+=(-m "$2/bench/app@$(buildkite-agent meta-data get "kaniko-digest:bench/app:${platform}")")
  done
  DOCKER_CONFIG="${work}/docker" SSL_CERT_FILE="${work}/cert.pem" "${crane}" index append "${manifests[@]}" \
    -t "$2/bench/app:crane-$1" >/dev/null 2>&1
}

# The requests each makes, counted through the proxy: method and what was asked for; and its calls
# of the agent's CLI.
count_requests() {
  : >"${work}/requests"
  : >"${work}/agent/calls"
  "run_$1" "$2" "127.0.0.1:${proxy_port}"
  printf 'agent-calls=%s  ' "$(wc -l <"${work}/agent/calls")"
  awk '{ path = $2; sub(/\?.*/, "", path); kind = "other" }
       path ~ /\/blobs\// { kind = "blob" }
       path ~ /\/blobs\/uploads/ { kind = "blob-upload" }
       path ~ /\/manifests\// { kind = "manifest-by-tag" }
       path ~ /\/manifests\/sha256:/ { kind = "manifest-by-digest" }
       { print $1, kind }' "${work}/requests" | sort | uniq -c | awk '{ printf "%s %s=%s  ", $2, $3, $1 }'
  echo
}

samples="${work}/samples"
for size in 2 8; do
  run_helper "${size}" "127.0.0.1:${port}"
  run_crane "${size}" "127.0.0.1:${port}"
  for tool in helper crane; do
    echo "${size} ${tool} $(count_requests "${tool}" "${size}")" >>"${work}/counts"
  done
  for _ in $(seq "${runs}"); do
    for tool in helper crane; do
      start="$(date +%s%N)"
      "run_${tool}" "${size}" "127.0.0.1:${port}"
      echo "${size} ${tool} $(($(date +%s%N) - start))" >>"${samples}"
    done
  done
done

/usr/bin/python3 - "${samples}" "${work}/counts" "${runs}" <<'PY'
import re
import statistics
import sys

times = {}
for line in open(sys.argv[1]):
    size, tool, ns = line.split()
    times.setdefault((int(size), tool), []).append(int(ns) / 1e6)
counts = {}
for line in open(sys.argv[2]):
    size, tool, rest = line.split(" ", 2)
    counts[(int(size), tool)] = rest.strip()
ok = True
print(f"index of N platforms against a local TLS registry, {sys.argv[3]} runs each (median, p90 in ms)")
for size in (2, 8):
    for tool in ("helper", "crane"):
        values = sorted(times[(size, tool)])
        print(f"  N={size} {tool:6} {statistics.median(values):8.1f} {values[max(0, int(len(values) * 0.9) - 1)]:8.1f}"
              f"   requests: {counts[(size, tool)]}")
    helper_counts = counts[(size, "helper")]
    def count(kind):
        found = re.search(re.escape(kind) + r"=(\d+)", helper_counts)
        return int(found.group(1)) if found else 0
    requests_met = (count("GET manifest-by-digest") == size and count("GET blob") == size and
                    count("PUT manifest-by-tag") == 1 and count("POST blob-upload") == 0 and
                    count("PATCH blob-upload") == 0 and count("PUT blob-upload") == 0)
    faster = statistics.median(times[(size, "helper")]) <= statistics.median(times[(size, "crane")])
    print(f"  N={size}: one GET per child manifest and config, one PUT, no blob moved: "
          f"{'met' if requests_met else 'MISSED'}; no slower than crane: {'met' if faster else 'MISSED'}")
    ok = ok and requests_met and faster
sys.exit(0 if ok else 1)
PY
