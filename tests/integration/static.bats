#!/usr/bin/env bats
# The helper linked fully static (KANIKO_STATIC: glibc, libstdc++, OpenSSL, libcurl and its
# dependencies inside) run in a root directory that holds nothing but it, Debian's busybox-static,
# /etc/hosts and a CA file: less than a stock agent or the Kaniko image offers. scripts/test builds it
# into build-static/; KANIKO_STATIC_HELPER names another.

load ../bats/helpers
load registry

setup_file() {
  [[ "$(id -u)" == 0 ]] || skip "needs root to change the root directory"
  use_static_helper
  SERVICES="$(mktemp -d /tmp/kaniko-static.XXXXXX)"
  export SERVICES
  REGISTRY_PASSWORD="pw-$$-${RANDOM}"
  REGISTRY_PORT="$(start_registry "${SERVICES}" htpasswd ci "${REGISTRY_PASSWORD}")"
  export REGISTRY_PASSWORD REGISTRY_PORT
  mkdir -p "${SERVICES}/certs"
  cp "${SERVICES}/cert.pem" "${SERVICES}/certs/ca.crt"
  printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "${REGISTRY_PORT}" \
    "$(printf 'ci:%s' "${REGISTRY_PASSWORD}" | base64 -w0)" >"${SERVICES}/auth.json"
  make_image "${SERVICES}/layout" v1 "static"
  DIGEST="$(push_image "${SERVICES}/layout" v1 "${SERVICES}/auth.json" "${SERVICES}/certs" \
    "127.0.0.1:${REGISTRY_PORT}/static/app:v1")"
  export DIGEST

  # The root: no libc, no loader, no shell but busybox's, no CA store, no resolver configuration.
  export ROOT="${SERVICES}/root"
  mkdir -p "${ROOT}/bin" "${ROOT}/etc" "${ROOT}/work"
  cp "${STATIC_HELPER}" "${ROOT}/bin/kaniko-buildkite-helper"
  cp /bin/busybox "${ROOT}/bin/busybox"
  # The registry by a name that only /etc/hosts knows here (the certificate is for localhost).
  echo "127.0.0.1 localhost" >"${ROOT}/etc/hosts"
  cp "${SERVICES}/cert.pem" "${ROOT}/work/ca.pem"
  printf '{"auths":{"localhost:%s":{"auth":"%s"}}}\n' "${REGISTRY_PORT}" \
    "$(printf 'ci:%s' "${REGISTRY_PASSWORD}" | base64 -w0)" >"${ROOT}/work/auth.json"
  printf 'FROM scratch\n' >"${ROOT}/work/Dockerfile"
}

teardown_file() {
  [[ -n "${SERVICES:-}" ]] || return 0
  stop_services "${SERVICES}"
  rm -rf "${SERVICES}"
}

in_root() { run chroot "${ROOT}" /bin/busybox env -i "$@"; }

@test "the static helper names no shared library and no loader" {
  run readelf --dynamic "${STATIC_HELPER}"
  refute_output --partial "NEEDED"
  run readelf --program-headers "${STATIC_HELPER}"
  refute_output --partial "INTERP"
}

@test "in an empty root it prints its version and plans a build" {
  in_root /bin/kaniko-buildkite-helper version
  assert_success
  assert_output "kaniko-buildkite-helper $(cat "${PLUGIN_DIR}/VERSION")"
  in_root BUILDKITE_PLUGIN_CONFIGURATION='{"image":"app","registry":"localhost:5000","auth":"none","network":"host"}' \
    /bin/busybox sh -c 'cd /work && /bin/kaniko-buildkite-helper plan'
  assert_success
  assert_line --partial "docker run --rm --name kaniko-local --network host -e container=docker -v /work:/workspace"
}

@test "in an empty root it asks a TLS registry for a digest, the host found through /etc/hosts" {
  in_root /bin/kaniko-buildkite-helper exists --docker-config /work/auth.json --ca-file /work/ca.pem \
    "localhost:${REGISTRY_PORT}/static/app:v1"
  assert_success
  assert_output "${DIGEST}"
  in_root /bin/kaniko-buildkite-helper exists --docker-config /work/auth.json --ca-file /work/ca.pem \
    "localhost:${REGISTRY_PORT}/static/app:missing"
  assert_failure 1
  # Without the CA file, the registry's certificate is not trusted: an error, not an answer.
  in_root /bin/kaniko-buildkite-helper exists --docker-config /work/auth.json "localhost:${REGISTRY_PORT}/static/app:v1"
  assert_failure 2
}

# exists_trusting PATH [VAR=VALUE...]: the CA bundle placed at PATH in the root, then `exists` with no
# --ca-file; the bundle is removed again afterwards.
exists_trusting() {
  local path="$1"
  shift
  mkdir -p "${ROOT}$(dirname "${path}")"
  cp "${SERVICES}/cert.pem" "${ROOT}${path}"
  in_root "$@" /bin/kaniko-buildkite-helper exists --verbose --docker-config /work/auth.json \
    "localhost:${REGISTRY_PORT}/static/app:v1"
  rm -f "${ROOT}${path}"
}

@test "it trusts the CA bundle where RHEL, Alpine or the Kaniko image keep it, and says which" {
  for path in /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem /kaniko/ssl/certs/ca-certificates.crt; do
    exists_trusting "${path}"
    assert_success
    assert_line "kaniko: TLS trusts the CA bundle ${path}"
    assert_line "${DIGEST}"
  done
}

@test "SSL_CERT_FILE names the bundle, as OpenSSL has it" {
  exists_trusting /corp/ca.pem SSL_CERT_FILE=/corp/ca.pem
  assert_success
  assert_line "kaniko: TLS trusts the CA bundle /corp/ca.pem"
  in_root SSL_CERT_FILE=/corp/missing.pem /bin/kaniko-buildkite-helper exists --docker-config /work/auth.json \
    "localhost:${REGISTRY_PORT}/static/app:v1"
  assert_failure 2
}
