#!/usr/bin/env bats
# Keyless signing and provenance against real Sigstore programs on the loopback: a real Fulcio that
# trusts the tests' OIDC issuer as a Buildkite job issuer, the stand-in Rekor (rekor_log.py), the
# real htpasswd registry, and the real cosign, which alone judges what the plugin pushed. The
# executor is the stand-in; tests/integration/kaniko-push pushes what Kaniko would.

load ../bats/helpers
load ../../scripts/lib/dockerd
load stand_in_executor
load registry
load sigstore

setup_file() {
  start_push_services signing
  start_sigstore "${SERVICES}/sigstore"
  make_image "${SERVICES}/layout" built "built by the plugin"
  make_image "${SERVICES}/layout" other "another image"
}

teardown_file() {
  [[ -z "${SERVICES:-}" ]] || stop_sigstore "${SERVICES}/sigstore"
  stop_push_services
}

setup() {
  kaniko_setup
  use_push_services
  export PUSH_LAYOUT="${SERVICES}/layout" PUSH_TAG=built
  export REPO="t${BATS_TEST_NUMBER}/app"
  export BUILDKITE_PIPELINE_SLUG=app BUILDKITE_BRANCH=main BUILDKITE_REPO=https://github.com/acme/app.git
  export BUILDKITE_STEP_KEY=image BUILDKITE_COMMAND=""
  login_htpasswd
}

registry() { echo "127.0.0.1:${HTPASSWD_PORT}"; }
context() { echo "kaniko-${BUILDKITE_STEP_KEY}-127.0.0.1-${HTPASSWD_PORT}-t${BATS_TEST_NUMBER}-app"; }

# signing_config EXTRA: a signed build for the htpasswd registry, plus EXTRA attributes.
signing_config() {
  plugin_config "{\"image\":\"${REPO}\",\"registry\":\"$(registry)\",\"tags\":[\"v1\"],\"network\":\"host\",\"registry-certificates\":{\"$(registry)\":\"${CERT}\"},\"sign\":true,\"fulcio-url\":\"${FULCIO_URL}\"$1}"
}

meta_data() { BUILDKITE_AGENT_LOG_LEVEL=warn buildkite-agent meta-data get "$1"; }
pushed_digest() { meta_data "kaniko-digest:${REPO}"; }

# annotated_command N: the Nth command the success annotation shows, as a shell would read it.
annotated_command() {
  annotation "$(context)" | /usr/bin/python3 -c '
import html, re, sys
print(html.unescape(re.findall(r"<pre><code>(cosign .*?)</code></pre>", sys.stdin.read())[int(sys.argv[1]) - 1]))' "$1"
}

# run_annotated N: runs that command with the trust cosign_verify gives it.
run_annotated() {
  local command
  command="$(annotated_command "$1")"
  eval "run cosign_verify ${command#cosign }"
}

@test "sign: cosign verify accepts the image with the identity the annotation prints, and no other" {
  signing_config ",\"rekor-url\":\"${REKOR_URL}\""
  run_hook command
  assert_success
  digest="$(pushed_digest)"
  assert_output --partial "kaniko: signed: $(registry)/${REPO}:sha256-${digest#sha256:}.sig"
  assert_equal "$(meta_data "kaniko-signature:${REPO}")" "$(registry)/${REPO}:sha256-${digest#sha256:}.sig"
  assert_equal "$(annotated_command 1)" "cosign verify --certificate-identity https://buildkite.com/acme/app --certificate-oidc-issuer ${OIDC_ISSUER} $(registry)/${REPO}@${digest}"
  grep -q '"kind":"hashedrekord"' "${SERVICES}/sigstore/rekor-entries"

  run_annotated 1
  assert_success
  assert_output --partial '"docker-manifest-digest":"'"${digest}"'"'

  run cosign_verify verify --certificate-identity https://buildkite.com/acme/other \
    --certificate-oidc-issuer "${OIDC_ISSUER}" "$(registry)/${REPO}@${digest}"
  assert_failure
  assert_output --partial "none of the expected identities matched"
  run cosign_verify verify --certificate-identity https://buildkite.com/acme/app \
    --certificate-oidc-issuer https://agent.buildkite.com "$(registry)/${REPO}@${digest}"
  assert_failure
  assert_output --partial "none of the expected identities matched"
}

@test "sign: cosign refuses the tag once it points to another image, and a signature whose payload was altered" {
  signing_config ",\"rekor-url\":\"${REKOR_URL}\""
  run_hook command
  assert_success
  digest="$(pushed_digest)"
  identity=(--certificate-identity https://buildkite.com/acme/app --certificate-oidc-issuer "${OIDC_ISSUER}")
  run cosign_verify verify "${identity[@]}" "$(registry)/${REPO}:v1"
  assert_success

  # The tag moved: cosign looks for that image's signature, and there is none.
  skopeo copy -q --authfile "${DOCKER_CONFIG}/config.json" --dest-cert-dir "${SERVICES}/certs" \
    "oci:${SERVICES}/layout:other" "docker://$(registry)/${REPO}:v1"
  run cosign_verify verify "${identity[@]}" "$(registry)/${REPO}:v1"
  assert_failure
  assert_output --partial "no signatures found"

  # The payload altered in place (the layer swapped for one naming the other image, annotations kept).
  other="$(skopeo inspect --authfile "${DOCKER_CONFIG}/config.json" --cert-dir "${SERVICES}/certs" --format '{{.Digest}}' \
    "docker://$(registry)/${REPO}:v1")"
  /usr/bin/python3 "${PLUGIN_DIR}/tests/integration/alter_signature.py" "https://$(registry)" "${REPO}" \
    "sha256-${digest#sha256:}.sig" "${digest}" "${other}" "ci:${REGISTRY_PASSWORD}" "${CERT}"
  run cosign_verify verify "${identity[@]}" "$(registry)/${REPO}@${digest}"
  assert_failure
  assert_output --partial "no matching signatures: error verifying bundle: matching bundle to payload"
}

@test "sign on an index step: the index is signed, and cosign verifies it by its digest" {
  local arch
  for arch in amd64 arm64; do
    make_image "${BATS_TEST_TMPDIR}/children" "${arch}" "${arch}"
    umoci config --image "${BATS_TEST_TMPDIR}/children:${arch}" --os linux --architecture "${arch}"
    buildkite-agent meta-data set "kaniko-digest:${REPO}:linux/${arch}" "$(push_image "${BATS_TEST_TMPDIR}/children" \
      "${arch}" "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" "$(registry)/${REPO}:v1-linux-${arch}")"
  done
  signing_config ",\"rekor-url\":\"${REKOR_URL}\",\"index\":[\"linux/amd64\",\"linux/arm64\"]"
  run_hook command
  assert_success
  refute_executor_started
  index="$(pushed_digest)"
  assert_equal "$(skopeo inspect --raw --authfile "${DOCKER_CONFIG}/config.json" --cert-dir "${SERVICES}/certs" \
    "docker://$(registry)/${REPO}:v1" | sha256sum | cut -d' ' -f1)" "${index#sha256:}"
  run_annotated 1
  assert_success
  assert_output --partial '"docker-manifest-digest":"'"${index}"'"'
}

@test "provenance: cosign verify-attestation --type slsaprovenance1 accepts it, for the pushed digest and its base" {
  # A platform's build: the stand-in then builds from the base as Kaniko would, and names it as Kaniko does.
  make_image "${SERVICES}/base" amd64 base
  umoci config --image "${SERVICES}/base:amd64" --os linux --architecture amd64
  base="$(push_image "${SERVICES}/base" amd64 "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" \
    "$(registry)/base/busybox:1")"
  printf 'FROM %s/base/busybox:1\nCOPY app.js /app.js\n' "$(registry)" >"${CHECKOUT}/Dockerfile"
  signing_config ",\"rekor-url\":\"${REKOR_URL}\",\"provenance\":true,\"platform\":\"linux/amd64\""
  run_hook command
  assert_success
  digest="$(meta_data "kaniko-digest:${REPO}:linux/amd64")"
  assert_output --partial "kaniko: provenance: $(registry)/${REPO}:sha256-${digest#sha256:}.att"
  assert_equal "$(meta_data "kaniko-attestation:${REPO}:linux/amd64")" "$(registry)/${REPO}:sha256-${digest#sha256:}.att"
  assert_equal "$(meta_data "kaniko-signature:${REPO}:linux/amd64")" "$(registry)/${REPO}:sha256-${digest#sha256:}.sig"

  run_annotated 2
  assert_success
  statement="$(grep '^{' <<<"${output}" | head -n1 | jq -r .payload | base64 -d)"
  assert_equal "$(jq -r '.subject[0].digest.sha256' <<<"${statement}")" "${digest#sha256:}"
  assert_equal "$(jq -r .predicateType <<<"${statement}")" https://slsa.dev/provenance/v1
  assert_equal "$(jq -r .predicate.buildDefinition.buildType <<<"${statement}")" \
    https://buildkite.github.io/slsa-buildtypes/job/v1
  assert_equal "$(jq -r '.predicate.buildDefinition.externalParameters.pipeline' <<<"${statement}")" \
    https://buildkite.com/acme/app
  assert_equal "$(jq -r '.predicate.buildDefinition.resolvedDependencies[0].uri' <<<"${statement}")" \
    "git+https://github.com/acme/app.git@refs/heads/main"
  assert_equal "$(jq -r '.predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit' <<<"${statement}")" \
    "${BUILDKITE_COMMIT}"
  assert_equal "$(jq -r '.predicate.buildDefinition.resolvedDependencies[1].uri' <<<"${statement}")" \
    "docker://$(registry)/base/busybox:1"
  assert_equal "$(jq -r '.predicate.buildDefinition.resolvedDependencies[1].digest.sha256' <<<"${statement}")" "${base#sha256:}"
  assert_equal "$(jq -r .predicate.runDetails.metadata.invocationId <<<"${statement}")" \
    "https://buildkite.com/acme/app/builds/42#${BUILDKITE_JOB_ID}"
  grep -q '"kind":"dsse"' "${SERVICES}/sigstore/rekor-entries"

  run cosign_verify verify-attestation --type slsaprovenance1 --certificate-identity https://buildkite.com/acme/other \
    --certificate-oidc-issuer "${OIDC_ISSUER}" "$(registry)/${REPO}@${digest}"
  assert_failure
}

@test "transparency-log: false: no entry is made, and cosign verifies with --insecure-ignore-tlog" {
  signing_config ",\"transparency-log\":false"
  touch "${SERVICES}/sigstore/rekor-entries"
  entries_before="$(wc -l <"${SERVICES}/sigstore/rekor-entries")"
  run_hook command
  assert_success
  assert_equal "$(wc -l <"${SERVICES}/sigstore/rekor-entries")" "${entries_before}"
  assert_equal "$(annotated_command 1)" "cosign verify --certificate-identity https://buildkite.com/acme/app --certificate-oidc-issuer ${OIDC_ISSUER} --insecure-ignore-tlog $(registry)/${REPO}@$(pushed_digest)"
  run_annotated 1
  assert_success
  # Without the flag cosign wants the log's promise, which this signature does not have.
  run cosign_verify verify --certificate-identity https://buildkite.com/acme/app --certificate-oidc-issuer "${OIDC_ISSUER}" \
    "$(registry)/${REPO}@$(pushed_digest)"
  assert_failure
}

@test "sign: the sigstore token reaches no log, argv or annotation, and the key no file" {
  signing_config ",\"rekor-url\":\"${REKOR_URL}\""
  run_hook command
  assert_success
  token="$(grep '^sigstore ' "${SERVICES}/sigstore/issued-tokens" | tail -n1 | cut -d' ' -f2)"
  [[ -n "${token}" ]]
  grep -qxF "${token}" "${STAND_IN_DIR}/tokens"
  grep -qF "${token}" "${STAND_IN_DIR}/redacted"
  refute_output --partial "${token}"
  refute_output --partial "${token:0:40}"
  run grep -rlF "${token:0:40}" "${STAND_IN_DIR}/annotations" "${STAND_IN_DIR}/agent-calls" "${STAND_IN_DIR}/meta-data" \
    "${STAND_IN_DIR}/docker-calls" "${CHECKOUT}"
  assert_failure
  run grep -rl "PRIVATE KEY" "${BATS_TEST_TMPDIR}"
  assert_failure
}

@test "sign: a Fulcio that does not trust the token's issuer fails the step in one line; the image stays pushed, unsigned" {
  unset STAND_IN_OIDC_API  # the stand-in agent's own tokens: issuer https://agent.buildkite.com, not trusted here
  signing_config ",\"rekor-url\":\"${REKOR_URL}\""
  run_hook command
  assert_failure 1
  assert_line --regexp "is pushed but not signed: Fulcio refused a certificate: POST ${FULCIO_URL}/api/v2/signingCert answered 40[01]: .*; Fulcio must trust the token's issuer"
  digest="$(pushed_digest)"
  [[ "${digest}" == sha256:* ]]
  assert_equal "$(annotation_style "$(context)")" error
  annotation "$(context)" | grep -q "is pushed but not signed"
  run skopeo inspect --raw --authfile "${DOCKER_CONFIG}/config.json" --cert-dir "${SERVICES}/certs" \
    "docker://$(registry)/${REPO}:sha256-${digest#sha256:}.sig"
  assert_failure
}

@test "plan: shows what is signed and where it is stored" {
  signing_config ",\"rekor-url\":\"${REKOR_URL}\",\"provenance\":true"
  cd "${CHECKOUT}"
  run "${KANIKO_HELPER}" plan
  assert_success
  assert_output --partial "# signed after the push, keyless: an OIDC token for sigstore, a certificate from ${FULCIO_URL} for an ephemeral key, the signature recorded in ${REKOR_URL}; stored as $(registry)/${REPO}:sha256-<digest>.sig"
  assert_output --partial "stored as $(registry)/${REPO}:sha256-<digest>.att"
}
