#!/usr/bin/env bash
# The second build tree: clang with AddressSanitizer and UndefinedBehaviorSanitizer, unit tests and
# libFuzzer targets. Shared by scripts/test and scripts/fuzz.

# build_sanitized DIR: configures (once) and builds the plugin's tree in DIR.
build_sanitized() {
  local dir="$1" source
  source="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  if [[ ! -f "${dir}/build.ninja" ]]; then
    cmake -S "${source}" -B "${dir}" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DKANIKO_SANITIZE=ON -DKANIKO_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
  fi
  cmake --build "${dir}" -j 2
}
