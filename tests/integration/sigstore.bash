#!/usr/bin/env bash
# Sigstore on the loopback for the signing tests: the tests' OIDC issuer (oidc_issuer.py), a real
# Fulcio (--ca ephemeralca, no CT log) that trusts it as a Buildkite job issuer, and the stand-in
# Rekor (rekor_log.py). The real cosign verifies what the plugin pushed.
# shellcheck source=scripts/lib/go_tools.bash
. "${PLUGIN_DIR}/scripts/lib/go_tools.bash"

# start_sigstore DIR: exports OIDC_ISSUER, FULCIO_URL, REKOR_URL, STAND_IN_OIDC_API (the stand-in
# agent's token source), COSIGN, and the files cosign trusts: FULCIO_ROOT and REKOR_PUBLIC_KEY.
start_sigstore() {
  local dir="$1" fulcio issuer_port rekor_port fulcio_port
  mkdir -p "${dir}"
  COSIGN="$(cosign_tool)"
  fulcio="$(fulcio_tool)"
  export COSIGN

  openssl genrsa -out "${dir}/issuer-key.pem" 2048 2>/dev/null
  /usr/bin/python3 "${PLUGIN_DIR}/tests/integration/oidc_issuer.py" "${dir}/issuer-key.pem" "${dir}/issuer-port" \
    "${dir}/issued-tokens" >"${dir}/issuer.log" 2>&1 &
  echo "$!" >>"${dir}/pids"
  issuer_port="$(wait_for_port_file "${dir}/issuer-port" "${dir}/issuer.log")"
  export OIDC_ISSUER="http://127.0.0.1:${issuer_port}"
  export STAND_IN_OIDC_API="${OIDC_ISSUER}"

  openssl ecparam -name prime256v1 -genkey -noout -out "${dir}/rekor-key.pem" 2>/dev/null
  openssl ec -in "${dir}/rekor-key.pem" -pubout -out "${dir}/rekor-public.pem" 2>/dev/null
  export REKOR_PUBLIC_KEY="${dir}/rekor-public.pem"
  /usr/bin/python3 "${PLUGIN_DIR}/tests/integration/rekor_log.py" "${dir}/rekor-key.pem" "${dir}/rekor-port" \
    "${dir}/rekor-entries" >"${dir}/rekor.log" 2>&1 &
  echo "$!" >>"${dir}/pids"
  rekor_port="$(wait_for_port_file "${dir}/rekor-port" "${dir}/rekor.log")"
  export REKOR_URL="http://127.0.0.1:${rekor_port}"

  # Fulcio's own config/identity/config.yaml trusts agent.buildkite.com this way; this one trusts
  # the tests' issuer, with the certificate contents Buildkite's entry has.
  cat >"${dir}/fulcio-config.yaml" <<YAML
oidc-issuers:
  ${OIDC_ISSUER}:
    issuer-url: ${OIDC_ISSUER}
    client-id: sigstore
    type: ci-provider
    ci-provider: buildkite-job
ci-issuer-metadata:
  buildkite-job:
    default-template-values:
      url: "https://buildkite.com"
    extension-templates:
      run-invocation-uri: "{{.url}}/{{.organization_slug}}/{{.pipeline_slug}}/builds/{{.build_number}}#{{.job_id}}"
      runner-environment: "runner_environment"
      source-repository-digest: "build_commit"
      build-trigger: "build_source"
    subject-alternative-name-template: "{{.url}}/{{.organization_slug}}/{{.pipeline_slug}}"
YAML
  fulcio_port="$(free_port)"
  "${fulcio}" serve --ca ephemeralca --ct-log-url "" --config-path "${dir}/fulcio-config.yaml" \
    --host 127.0.0.1 --port "${fulcio_port}" --grpc-host 127.0.0.1 --grpc-port "$(free_port)" \
    --metrics-port "$(free_port)" --legacy-unix-domain-socket "${dir}/fulcio.sock" >"${dir}/fulcio.log" 2>&1 &
  echo "$!" >>"${dir}/pids"
  export FULCIO_URL="http://127.0.0.1:${fulcio_port}"
  local _
  for _ in $(seq 200); do
    curl -sf "${FULCIO_URL}/api/v2/trustBundle" -o "${dir}/trust-bundle.json" && break
    sleep 0.05
  done
  [[ -s "${dir}/trust-bundle.json" ]] || { cat "${dir}/fulcio.log" >&2; return 1; }
  jq -r '.chains[0].certificates[-1]' "${dir}/trust-bundle.json" >"${dir}/fulcio-root.pem"
  export FULCIO_ROOT="${dir}/fulcio-root.pem"
}

stop_sigstore() { stop_services "$1"; }

# cosign_verify ARGS...: the real cosign, trusting the local Fulcio's root and the stand-in log's key
# (no CT log here, so no SCT to check), reaching the registry with DOCKER_CONFIG and CERT.
cosign_verify() {
  SIGSTORE_ROOT_FILE="${FULCIO_ROOT}" SIGSTORE_REKOR_PUBLIC_KEY="${REKOR_PUBLIC_KEY}" SSL_CERT_FILE="${CERT}" \
    TUF_ROOT="${BATS_TEST_TMPDIR}/tuf" "${COSIGN}" "$@" --insecure-ignore-sct
}
