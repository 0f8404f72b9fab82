#!/usr/bin/env bats
# Multi-arch images against the real registries (htpasswd, and token auth with OIDC): children made
# with umoci and pushed by skopeo as OCI and Docker v2 images for amd64 and arm64, the index step
# putting them together, and the `platforms` form building a COPY-only Dockerfile for both from a
# two-platform busybox base. The executor is the stand-in; tests/integration/kaniko-push pushes what
# Kaniko pushes for --custom-platform. What the index holds is read back with skopeo, never with the
# helper.

load ../bats/helpers
load ../../scripts/lib/dockerd
load stand_in_executor
load registry

setup_file() {
  start_push_services multi-arch

  # The children: one file each, the config naming the platform; umoci has no --variant, so arm/v7's
  # is written by oci_image.py.
  export CHILDREN="${SERVICES}/children"
  local arch
  for arch in amd64 arm64; do
    make_image "${CHILDREN}" "${arch}" "${arch}"
    umoci config --image "${CHILDREN}:${arch}" --os linux --architecture "${arch}"
  done
  echo arm-v7 >"${SERVICES}/arm-v7.txt"
  "${PLUGIN_DIR}/tests/integration/oci_image.py" "${CHILDREN}" arm-v7 linux/arm/v7 "${SERVICES}/arm-v7.txt=/platform.txt" >/dev/null
}

teardown_file() { stop_push_services; }

setup() {
  kaniko_setup
  use_push_services
  export REPO="t${BATS_TEST_NUMBER}/app"
  login_htpasswd
}

registry() { echo "127.0.0.1:${HTPASSWD_PORT}"; }

# index_config PLATFORMS EXTRA: the index step for the htpasswd registry.
index_config() {
  plugin_config "{\"image\":\"${REPO}\",\"registry\":\"$(registry)\",\"tags\":[\"v1\",\"latest\"],\"index\":$1,\"registry-certificates\":{\"$(registry)\":\"${CERT}\"}${2:-}}"
}

# push_child TAG PLATFORM [FORMAT]: pushes that child as <tag>-<platform> and records its digest in
# meta-data, as the platform's build step would. Prints the digest.
push_child() {
  local digest
  digest="$(push_image "${CHILDREN}" "$1" "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" \
    "$(registry)/${REPO}:v1-${2//\//-}" "${3:-}")"
  set_meta_data "kaniko-digest:${REPO}:$2" "${digest}"
  echo "${digest}"
}

set_meta_data() { buildkite-agent meta-data set "$1" "$2"; }

# raw_index TAG: the manifest the registry serves for TAG, read with skopeo.
raw_index() {
  skopeo inspect --raw --authfile "${DOCKER_CONFIG}/config.json" --cert-dir "${SERVICES}/certs" \
    "docker://$(registry)/${REPO}:$1"
}

@test "index of OCI children: one OCI index under every tag, each child exactly as served" {
  amd64="$(push_child amd64 linux/amd64)"
  arm64="$(push_child arm64 linux/arm64)"
  index_config '["linux/amd64","linux/arm64"]'
  run_hook command
  assert_success
  refute_executor_started
  index="$(raw_index v1)"
  assert_equal "$(raw_index latest)" "${index}"
  assert_equal "$(jq -r .mediaType <<<"${index}")" application/vnd.oci.image.index.v1+json
  assert_equal "$(jq -r '[.manifests[] | .digest] | join(" ")' <<<"${index}")" "${amd64} ${arm64}"
  assert_equal "$(jq -r '[.manifests[] | .mediaType] | unique | join(" ")' <<<"${index}")" \
    application/vnd.oci.image.manifest.v1+json
  assert_equal "$(jq -c '[.manifests[] | .platform]' <<<"${index}")" \
    '[{"architecture":"amd64","os":"linux"},{"architecture":"arm64","os":"linux"}]'
  # Each size is the byte count the registry serves for the child.
  for digest in "${amd64}" "${arm64}"; do
    served="$(skopeo inspect --raw --authfile "${DOCKER_CONFIG}/config.json" --cert-dir "${SERVICES}/certs" \
      "docker://$(registry)/${REPO}@${digest}" | wc -c)"
    assert_equal "$(jq -r --arg d "${digest}" '.manifests[] | select(.digest == $d) | .size' <<<"${index}")" "${served}"
  done
  pushed="sha256:$(printf '%s' "${index}" | sha256sum | cut -d' ' -f1)"
  assert_equal "$(meta_data "kaniko-digest:${REPO}")" "${pushed}"
  assert_line "kaniko: verified: every tag points to ${pushed}"
  # A pull for arm64 resolves to the arm64 child.
  run skopeo --override-arch arm64 inspect --authfile "${DOCKER_CONFIG}/config.json" --cert-dir "${SERVICES}/certs" \
    "docker://$(registry)/${REPO}:v1"
  assert_success
  assert_equal "$(jq -r .Architecture <<<"${output}")" arm64
  assert_equal "$(jq -r '.Layers | join(" ")' <<<"${output}")" \
    "$(skopeo inspect --authfile "${DOCKER_CONFIG}/config.json" --cert-dir "${SERVICES}/certs" \
      "docker://$(registry)/${REPO}@${arm64}" | jq -r '.Layers | join(" ")')"
  # Every child copies out with it.
  skopeo copy -q --multi-arch all --authfile "${DOCKER_CONFIG}/config.json" --src-cert-dir "${SERVICES}/certs" \
    "docker://$(registry)/${REPO}:v1" "oci:${BATS_TEST_TMPDIR}/copied:v1"
  assert_file_exists "${BATS_TEST_TMPDIR}/copied/blobs/sha256/${arm64#sha256:}"
  assert_file_exists "${BATS_TEST_TMPDIR}/copied/blobs/sha256/${amd64#sha256:}"
  run annotation "kaniko-${BUILDKITE_JOB_ID}-127.0.0.1-${HTPASSWD_PORT}-t${BATS_TEST_NUMBER}-app"
  assert_output --partial "Pushed the index of <code>$(registry)/${REPO}</code>"
  assert_output --partial "<li><code>linux/arm64</code> <code>${arm64}</code></li>"
  assert_output --partial "Index digest: <code>${pushed}</code>"
}

@test "index of Docker v2 children with OIDC through a token service: a Docker manifest list" {
  local token_registry="127.0.0.1:${TOKEN_PORT}"
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "${token_registry}" \
    "$(printf 'buildkite:%s' "$(buildkite-agent oidc request-token --audience "${TOKEN_AUDIENCE}" --lifetime 300)" | base64 -w0)" \
    >"${BATS_TEST_TMPDIR}/token-auth.json"
  for platform in amd64 arm64; do
    digest="$(push_image "${CHILDREN}" "${platform}" "${BATS_TEST_TMPDIR}/token-auth.json" "${SERVICES}/certs" \
      "${token_registry}/acme/${REPO}:v1-linux-${platform}" v2s2)"
    set_meta_data "kaniko-digest:${REPO}:linux/${platform}" "${digest}"
  done
  plugin_config "{\"image\":\"${REPO}\",\"registry\":\"${token_registry}/acme\",\"auth\":\"oidc\",\"oidc-audience\":\"${TOKEN_AUDIENCE}\",\"tags\":[\"v1\"],\"index\":[\"linux/amd64\",\"linux/arm64\"],\"registry-certificates\":{\"${token_registry}\":\"${CERT}\"}}"
  run_hook command
  assert_success
  run skopeo inspect --raw --authfile "${BATS_TEST_TMPDIR}/token-auth.json" --cert-dir "${SERVICES}/certs" \
    "docker://${token_registry}/acme/${REPO}:v1"
  assert_success
  assert_equal "$(jq -r .mediaType <<<"${output}")" application/vnd.docker.distribution.manifest.list.v2+json
  assert_equal "$(jq -r '[.manifests[] | .mediaType] | unique | join(" ")' <<<"${output}")" \
    application/vnd.docker.distribution.manifest.v2+json
  grep -q "^repository:acme/${REPO}:pull,push granted$" "${SERVICES}/token/token.log"
}

@test "a child built for the wrong platform is refused, naming both, and no index is pushed" {
  push_child amd64 linux/amd64 >/dev/null
  wrong="$(push_image "${CHILDREN}" amd64 "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" "$(registry)/${REPO}:v1-linux-arm64")"
  set_meta_data "kaniko-digest:${REPO}:linux/arm64" "${wrong}"
  index_config '["linux/amd64","linux/arm64"]'
  run_hook command
  assert_failure 1
  assert_output --partial "kaniko: index: $(registry)/${REPO}@${wrong} (the linux/arm64 image, from kaniko-digest:${REPO}:linux/arm64) is a linux/amd64 image, not linux/arm64"
  run "${KANIKO_HELPER}" exists --docker-config "${DOCKER_CONFIG}/config.json" --ca-file "${CERT}" "$(registry)/${REPO}:v1"
  assert_failure 1
}

@test "a platform's missing digest is one line naming the platform and the key" {
  push_child amd64 linux/amd64 >/dev/null
  index_config '["linux/amd64","linux/arm64"]'
  run_hook command
  assert_failure 1
  assert_line "kaniko: index: no linux/arm64 image: meta-data kaniko-digest:${REPO}:linux/arm64 is not set; the step that builds it (platform: linux/arm64) failed or has not run yet; give this step depends_on with that step's key"
  run "${KANIKO_HELPER}" exists --docker-config "${DOCKER_CONFIG}/config.json" --ca-file "${CERT}" "$(registry)/${REPO}:v1"
  assert_failure 1
}

@test "children of two kinds are refused, naming them" {
  push_child amd64 linux/amd64 >/dev/null
  push_child arm64 linux/arm64 v2s2 >/dev/null
  index_config '["linux/amd64","linux/arm64"]'
  run_hook command
  assert_failure 1
  assert_output --partial "kaniko: index: the platforms' images are of two kinds: linux/amd64 is an OCI manifest and linux/arm64 a Docker v2 one"
}

@test "a variant is kept in the index, and a retry with skip-if-exists finds the index there" {
  push_child amd64 linux/amd64 >/dev/null
  push_child arm-v7 linux/arm/v7 >/dev/null
  index_config '["linux/amd64","linux/arm/v7"]' ',"skip-if-exists":true'
  run_hook command
  assert_success
  first="$(meta_data "kaniko-digest:${REPO}")"
  assert_equal "$(raw_index v1 | jq -c '.manifests[1].platform')" '{"architecture":"arm","os":"linux","variant":"v7"}'
  run_hook command
  assert_success
  assert_line "kaniko: skip-if-exists: every tag already holds an index of these images (${first}); not pushing it again"
  refute_line --partial "Pushing the index"
  assert_equal "$(meta_data "kaniko-digest:${REPO}")" "${first}"
}

@test "platforms: a COPY-only Dockerfile built for amd64 and arm64 from a two-platform busybox base" {
  # The base: Debian's busybox-static for each architecture, as one index.
  base="$(registry)/${REPO}-base:1"
  layout="${BATS_TEST_TMPDIR}/base"
  "${PLUGIN_DIR}/tests/integration/oci_image.py" "${layout}" amd64 linux/amd64 /bin/busybox=/bin/busybox >/dev/null
  "${PLUGIN_DIR}/tests/integration/oci_image.py" "${layout}" arm64 linux/arm64 "$(arm64_busybox)=/bin/busybox" >/dev/null
  for arch in amd64 arm64; do
    set_meta_data "kaniko-digest:${REPO}-base:linux/${arch}" \
      "$(push_image "${layout}" "${arch}" "${DOCKER_CONFIG}/config.json" "${SERVICES}/certs" "${base}-linux-${arch}")"
  done
  plugin_config "{\"image\":\"${REPO}-base\",\"registry\":\"$(registry)\",\"tags\":[\"1\"],\"index\":[\"linux/amd64\",\"linux/arm64\"],\"registry-certificates\":{\"$(registry)\":\"${CERT}\"}}"
  run_hook command
  assert_success

  printf 'FROM %s\nCOPY app.js /app/app.js\n' "${base}" >"${CHECKOUT}/Dockerfile"
  plugin_config "{\"image\":\"${REPO}\",\"registry\":\"$(registry)\",\"tags\":[\"v1\"],\"platforms\":[\"linux/amd64\",\"linux/arm64\"],\"network\":\"host\",\"registry-certificates\":{\"$(registry)\":\"${CERT}\"}}"
  run_hook command
  assert_success
  assert_equal "$(cat "${PUSH_RECORD}")" "executor ran: $(registry)/${REPO}:v1-linux-amd64 for linux/amd64
executor ran: $(registry)/${REPO}:v1-linux-arm64 for linux/arm64"
  assert_equal "$(raw_index v1 | jq -c '[.manifests[] | .platform.architecture]')" '["amd64","arm64"]'
  # Each entry is the image that platform's build pushed, as that build recorded it.
  for arch in amd64 arm64; do
    assert_equal "$(raw_index v1 | jq -r --arg a "${arch}" '.manifests[] | select(.platform.architecture == $a) | .digest')" \
      "$(meta_data "kaniko-digest:${REPO}:linux/${arch}")"
  done
  # And a pull for each architecture gets that architecture's busybox (ELF e_machine: 62 x86-64,
  # 183 AArch64) with the copy: the stand-in took the base's child for --custom-platform, as Kaniko does.
  for arch in amd64 arm64; do
    skopeo copy -q --override-arch "${arch}" --authfile "${DOCKER_CONFIG}/config.json" --src-cert-dir "${SERVICES}/certs" \
      "docker://$(registry)/${REPO}:v1" "oci:${BATS_TEST_TMPDIR}/pulled-${arch}:v1"
    umoci unpack --rootless --image "${BATS_TEST_TMPDIR}/pulled-${arch}:v1" "${BATS_TEST_TMPDIR}/unpacked-${arch}" >/dev/null
    machine="$(od -An -j18 -N2 -tu2 "${BATS_TEST_TMPDIR}/unpacked-${arch}/rootfs/bin/busybox" | tr -d ' ')"
    assert_equal "${arch}:${machine}" "${arch}:$([[ "${arch}" == amd64 ]] && echo 62 || echo 183)"
    assert_file_exists "${BATS_TEST_TMPDIR}/unpacked-${arch}/rootfs/app/app.js"
  done
  assert_line --regexp "^kaniko: pushed the index $(registry)/${REPO}@sha256:[0-9a-f]{64}$"
}

@test "plan shows the index it would push, naming the meta-data it reads" {
  index_config '["linux/amd64","linux/arm64"]'
  run "${KANIKO_HELPER}" plan
  assert_success
  assert_line "#   linux/arm64: the image whose digest is meta-data kaniko-digest:${REPO}:linux/arm64, its config checked to say linux/arm64"
  assert_line --partial "# the index (an OCI image index, or a Docker manifest list for Docker v2 images), put under $(registry)/${REPO}:v1, $(registry)/${REPO}:latest"
  refute_line --partial "docker run"
}
