#!/usr/bin/env bash
# Real Go programs the tests and the benchmark run (Go is a test dependency only): each built once
# per machine, by version, outside the checkout.

go_tools_dir="${KANIKO_GO_TOOLS:-/var/cache/kaniko-buildkite-plugin/go}"
cosign_module=github.com/sigstore/cosign/v2/cmd/cosign cosign_version=v2.6.5
fulcio_module=github.com/sigstore/fulcio fulcio_version=v1.8.8
crane_module=github.com/google/go-containerregistry/cmd/crane crane_version=v0.22.1

# go_tool NAME MODULE VERSION: prints the program's path, building it first if this machine lacks it.
# It is built aside and moved into place, so that a build cut short leaves nothing that looks done.
go_tool() {
  local name="$1" module="$2" version="$3" dir scratch
  dir="${go_tools_dir}/${name}-${version}"
  if [[ ! -x "${dir}/${name}" ]]; then
    mkdir -p "${go_tools_dir}"
    scratch="$(mktemp -d "${go_tools_dir}/.${name}.XXXXXX")"
    # A fresh machine has Go in /usr/local/go, not always on PATH.
    GOBIN="${scratch}" PATH="${PATH}:/usr/local/go/bin" go install "${module}@${version}" >&2 ||
      { rm -rf "${scratch}"; return 1; }
    mkdir -p "${dir}"
    mv "${scratch}/${name}" "${dir}/${name}"
    rm -rf "${scratch}"
  fi
  echo "${dir}/${name}"
}

cosign_tool() { go_tool cosign "${cosign_module}" "${cosign_version}"; }
fulcio_tool() { go_tool fulcio "${fulcio_module}" "${fulcio_version}"; }
crane_tool() { go_tool crane "${crane_module}" "${crane_version}"; }
