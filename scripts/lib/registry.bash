#!/usr/bin/env bash
# Real services on loopback, for the demo, the integration tests and the benchmark: Debian's
# docker-registry with TLS and htpasswd (bcrypt) or token auth, and small real images made with
# umoci and pushed with skopeo. Every service writes its PID into DIR/pids; stop_services ends them.

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# make_certificate DIR: a self-signed certificate for 127.0.0.1 (DIR/cert.pem, DIR/key.pem).
make_certificate() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' \
    -keyout "$1/key.pem" -out "$1/cert.pem" >/dev/null 2>&1
}

# wait_for_https PORT CA: until something answers TLS on PORT.
wait_for_https() {
  local _
  for _ in $(seq 100); do
    curl -s -o /dev/null --cacert "$2" "https://127.0.0.1:$1/" && return 0
    sleep 0.05
  done
  echo "nothing answered on port $1" >&2
  return 1
}

# start_registry DIR AUTH: AUTH is "htpasswd USER PASSWORD", "token REALM_PORT" or "none". Prints the port.
start_registry() {
  local dir="$1" mode="$2" port auth
  port="$(free_port)"
  mkdir -p "${dir}/storage"
  [[ -f "${dir}/cert.pem" ]] || make_certificate "${dir}"
  case "${mode}" in
    htpasswd)
      htpasswd -Bbn "$3" "$4" >"${dir}/htpasswd" 2>/dev/null
      auth="  htpasswd:
    realm: kaniko-tests
    path: ${dir}/htpasswd"
      ;;
    token)
      auth="  token:
    realm: https://127.0.0.1:$3/token
    service: registry.test
    issuer: kaniko-tests
    rootcertbundle: ${dir}/signing-cert.pem"
      ;;
  esac
  [[ "${mode}" == none ]] && auth="  {}"
  cat >"${dir}/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${dir}/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  tls:
    certificate: ${dir}/cert.pem
    key: ${dir}/key.pem
auth:
${auth}
YAML
  docker-registry serve "${dir}/config.yml" >"${dir}/registry.log" 2>&1 &
  echo "$!" >>"${dir}/pids"
  wait_for_https "${port}" "${dir}/cert.pem" || { cat "${dir}/registry.log" >&2; return 1; }
  echo "${port}"
}

# start_file_server DIR FOLDER: FOLDER over plain HTTP on loopback, for the release downloads. Each
# request is a line in DIR/requests ("GET /path 200"). Prints the port.
start_file_server() {
  local dir="$1"
  rm -f "${dir}/file-server-port"
  /usr/bin/python3 "${PLUGIN_DIR}/tests/integration/file_server.py" "$2" "${dir}/file-server-port" \
    "${dir}/requests" >"${dir}/file-server.log" 2>&1 &
  echo "$!" >>"${dir}/pids"
  wait_for_port_file "${dir}/file-server-port" "${dir}/file-server.log"
}

# wait_for_port_file FILE LOG: prints the port a service on a free port wrote to FILE once it
# listens, or shows its LOG and fails after 10 s.
wait_for_port_file() {
  local _
  for _ in $(seq 200); do
    [[ -s "$1" ]] && break
    sleep 0.05
  done
  [[ -s "$1" ]] || { cat "$2" >&2; return 1; }
  cat "$1"
}

stop_services() {
  local dir="$1" pid
  [[ -f "${dir}/pids" ]] || return 0
  while read -r pid; do kill "${pid}" 2>/dev/null || true; done <"${dir}/pids"
  rm -f "${dir}/pids"
}

# make_image LAYOUT TAG TEXT: a one-layer OCI image holding /hello.txt with TEXT.
make_image() {
  local layout="$1" tag="$2" bundle
  [[ -d "${layout}" ]] || umoci init --layout "${layout}"
  umoci new --image "${layout}:${tag}"
  bundle="$(mktemp -d)"
  umoci unpack --rootless --image "${layout}:${tag}" "${bundle}/b" >/dev/null
  printf '%s\n' "$3" >"${bundle}/b/rootfs/hello.txt"
  umoci repack --image "${layout}:${tag}" "${bundle}/b" >/dev/null
  rm -rf "${bundle}"
}

# push_image LAYOUT TAG AUTHFILE CERT_DIR DESTINATION [FORMAT]: prints the pushed digest.
push_image() {
  local digest_file format=()
  digest_file="$(mktemp)"
  [[ -n "${6:-}" ]] && format=(--format "$6")
  skopeo copy -q "${format[@]}" --authfile "$3" --dest-cert-dir "$4" --digestfile "${digest_file}" \
    "oci:$1:$2" "docker://$5" >&2
  cat "${digest_file}"
  rm -f "${digest_file}"
}
