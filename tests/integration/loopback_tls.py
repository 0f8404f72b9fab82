"""What the tests' own HTTP services share: serving a handler on 127.0.0.1, over TLS on a given port
or in plain HTTP on a free one, and answering."""
import http.server
import os
import ssl


def serve(port, certificate, key, handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


def serve_on_free_port(handler, port_file):
    """Plain HTTP on a free port, written to PORT_FILE once it listens: the tests wait on that file."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(port_file + ".new", "w") as out:
        out.write(f"{server.server_address[1]}\n")
    os.rename(port_file + ".new", port_file)
    server.serve_forever()


def reply(handler, status, body=b"", content_type="application/json", headers=()):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)
