"""A real PAKN server (``python -m config.server``, daphne) receiving uploads over its limit.

The limit is the default (55 MiB). A declared length over it is answered before one body byte is
sent; a chunked upload is answered as soon as it passes the limit, while the client is still
sending; a 200 MiB chunked upload leaves the server's peak memory where it was; a malformed
multipart body is a JSON 400 in the API's shape (not Twisted's bare 400).
"""
import json
import select
import socket
import time

import pytest

from tests.notifications import servers

MIB = 1024 * 1024
LIMIT = 55 * MIB


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = servers.server_env(sqlite_path=tmp_path_factory.mktemp("bodylimit") / "db.sqlite3")
    servers.manage(["migrate", "--noinput"], env)
    port = servers.free_port()
    process = servers.start_daphne(port, env)
    try:
        servers.wait_until_ready(port, process)
        yield port, process
    finally:
        servers.stop(process)


def _connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 256 * 1024)
    return sock


def _head(path, **headers):
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Accept: application/json",
             "Content-Type: multipart/form-data; boundary=b0und"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _answered(sock):
    return bool(select.select([sock], [], [], 0)[0])


def _read_response(sock):
    """Status, lower-case headers and body of one response (the server closes after a 413)."""
    data = b""
    sock.settimeout(30)
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    headers = {name.lower(): value for name, value in headers.items()}
    while len(body) < int(headers.get("content-length", 0)):
        body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, body


def test_a_declared_length_over_the_limit_is_answered_before_any_body_is_sent(server):
    port, _process = server
    with _connect(port) as sock:
        sock.sendall(_head("/api/v1/feedback/", Content_Length=200 * MIB))
        status, headers, body = _read_response(sock)
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"message": "Dữ liệu gửi lên quá lớn (tối đa 55 MB).", "code": "too_large",
                                "fields": {}}
    assert "script-src 'self'" in headers["content-security-policy"]


def test_a_chunked_upload_is_answered_as_soon_as_it_passes_the_limit(server):
    port, _process = server
    chunk = b"%x\r\n%s\r\n" % (MIB, b"x" * MIB)
    sent = 0
    with _connect(port) as sock:
        sock.sendall(_head("/api/v1/feedback/", Transfer_Encoding="chunked"))
        deadline = time.monotonic() + 30
        while not _answered(sock) and time.monotonic() < deadline:
            sock.sendall(chunk)
            sent += MIB
        status, _headers, body = _read_response(sock)
    assert status == 413 and json.loads(body)["code"] == "too_large"
    # The answer came while the upload was going on: at the limit, give or take socket buffers.
    assert LIMIT < sent < LIMIT + 16 * MIB, sent


def test_a_200_mib_chunked_upload_leaves_the_servers_memory_flat(server):
    port, process = server
    peak_before = servers.rss_kib(process.pid, "VmHWM")
    chunk = b"%x\r\n%s\r\n" % (MIB, b"x" * MIB)
    with _connect(port) as sock:
        sock.sendall(_head("/api/v1/feedback/", Transfer_Encoding="chunked"))
        for _ in range(200):  # like most HTTP libraries: everything first, then read the answer
            sock.sendall(chunk)
        sock.sendall(b"0\r\n\r\n")
        status, _headers, _body = _read_response(sock)
    peak_after = servers.rss_kib(process.pid, "VmHWM")
    print(f"server peak RSS before {peak_before // 1024} MiB, after a 200 MiB chunked upload "
          f"{peak_after // 1024} MiB")
    assert status == 413
    assert peak_after - peak_before < 16 * 1024, (peak_before, peak_after)
    assert servers.http_request(port, "GET", "/healthz")[0] == 200


def test_a_malformed_multipart_body_is_a_json_error_in_the_apis_shape(server):
    port, _process = server
    for body in (b"", b"not a multipart body"):
        with _connect(port) as sock:
            sock.sendall(_head("/api/v1/feedback/", Content_Length=len(body), Connection="close") + body)
            status, headers, answer = _read_response(sock)
        assert status == 400
        assert headers["content-type"] == "application/json"
        assert set(json.loads(answer)) == {"message", "code", "fields"}


@pytest.mark.parametrize(("path", "content_type"), [("/open311/v2/requests.json", "application/json; charset=utf-8"),
                                                    ("/open311/v2/requests.xml", "text/xml; charset=utf-8")])
def test_an_open311_upload_over_the_limit_is_refused_at_once_in_open311s_format(server, path, content_type):
    port, _process = server
    with _connect(port) as sock:
        sock.sendall(_head(path, Content_Length=200 * MIB))
        status, headers, body = _read_response(sock)
    assert (status, headers["content-type"]) == (413, content_type)
    if path.endswith(".json"):
        assert json.loads(body) == [{"code": 413, "description": "Dữ liệu gửi lên quá lớn (tối đa 55 MB)."}]
    else:
        assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        assert b"<errors><error><code>413</code>" in body
