#!/usr/bin/env bash
# A private Docker engine for the demo and the integration tests: its own data, exec root and socket, vfs storage,
# no iptables and no bridge, so that it runs beside any other engine on the host.

# start_dockerd DIR: starts the engine with everything under DIR, exports DOCKER_HOST, waits until ready.
start_dockerd() {
  local dir="$1"
  mkdir -p "${dir}"
  dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
    --data-root "${dir}/data" --exec-root "${dir}/exec" --host "unix://${dir}/sock" \
    --pidfile "${dir}/pid" >"${dir}/dockerd.log" 2>&1 &
  echo "$!" >"${dir}/dockerd.pid"
  export DOCKER_HOST="unix://${dir}/sock"
  local _
  for _ in $(seq 100); do
    if docker version >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "dockerd did not start; its log:" >&2
  cat "${dir}/dockerd.log" >&2
  return 1
}

stop_dockerd() {
  local dir="$1" pid
  [[ -f "${dir}/dockerd.pid" ]] || return 0
  pid="$(cat "${dir}/dockerd.pid")"
  kill "${pid}" 2>/dev/null || true
  local _
  for _ in $(seq 100); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "${pid}" 2>/dev/null || true
  # dockerd leaves its network namespace mounted under the exec root.
  umount "${dir}/exec/netns/default" 2>/dev/null || true
  rm -rf "${dir}"
}
