#!/usr/bin/env bash
# Test-only services beside the real registry: the token service and a registry that fails.
# shellcheck source=scripts/lib/registry.bash
. "${PLUGIN_DIR}/scripts/lib/registry.bash"

start_token_service() {
  local dir="$1" audience="$2" port
  port="$(free_port)"
  mkdir -p "${dir}"
  [[ -f "${dir}/cert.pem" ]] || make_certificate "${dir}"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=kaniko-token-signer \
    -keyout "${dir}/signing-key.pem" -out "${dir}/signing-cert.pem" >/dev/null 2>&1
  /usr/bin/python3 "${PLUGIN_DIR}/tests/integration/token_server.py" "${port}" "${dir}/cert.pem" "${dir}/key.pem" \
    "${dir}/signing-cert.pem" "${dir}/signing-key.pem" kaniko-tests "${audience}" "${dir}/token.log" \
    >"${dir}/token-server.log" 2>&1 &
  echo "$!" >>"${dir}/pids"
  wait_for_https "${port}" "${dir}/cert.pem" || { cat "${dir}/token-server.log" >&2; return 1; }
  echo "${port}"
}

# start_test_registries DIR: both real registries the integration tests push to, on one certificate:
# htpasswd (user ci, REGISTRY_PASSWORD) on HTPASSWD_PORT, and token auth on TOKEN_PORT behind a token
# service on TOKEN_SERVICE_PORT that accepts OIDC-style JWTs for TOKEN_AUDIENCE. Exports those and
# CERT, with DIR/certs as skopeo's CA directory.
start_test_registries() {
  local dir="$1"
  make_certificate "${dir}"
  export CERT="${dir}/cert.pem"
  mkdir -p "${dir}/certs" "${dir}/token"
  cp "${CERT}" "${dir}/certs/ca.crt"
  export REGISTRY_PASSWORD="pw-$$-${RANDOM}"
  HTPASSWD_PORT="$(start_registry "${dir}" htpasswd ci "${REGISTRY_PASSWORD}")"
  export TOKEN_AUDIENCE="https://registry.test/acme"
  cp "${dir}/cert.pem" "${dir}/key.pem" "${dir}/token/"
  TOKEN_SERVICE_PORT="$(start_token_service "${dir}/token" "${TOKEN_AUDIENCE}")"
  TOKEN_PORT="$(start_registry "${dir}/token" token "${TOKEN_SERVICE_PORT}")"
  export HTPASSWD_PORT TOKEN_SERVICE_PORT TOKEN_PORT
}

stop_test_registries() {
  stop_services "$1/token"
  stop_services "$1"
}

# start_fault_proxy DIR UPSTREAM_PORT FAILURES: 500 for the first FAILURES requests, then the registry.
start_fault_proxy() {
  local dir="$1" port
  port="$(free_port)"
  /usr/bin/python3 "${PLUGIN_DIR}/tests/integration/fault_proxy.py" "${port}" "${dir}/cert.pem" "${dir}/key.pem" \
    "$2" "$3" "${dir}/proxy.log" >"${dir}/proxy-server.log" 2>&1 &
  echo "$!" >>"${dir}/pids"
  # Readiness is checked with a TCP connect: an HTTPS request would use up one of the failures.
  local _
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null && { echo "${port}"; return 0; }
    sleep 0.05
  done
  return 1
}

# arm64_busybox: the path of Debian's busybox-static for arm64, unpacked once per test file from the
# package scripts/install-deps downloads.
arm64_busybox() {
  local dir="${BATS_FILE_TMPDIR}/busybox-arm64"
  [[ -x "${dir}/bin/busybox" ]] || dpkg-deb -x /var/cache/kaniko-buildkite-plugin/busybox-static-arm64.deb "${dir}"
  echo "${dir}/bin/busybox"
}
