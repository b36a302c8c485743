"""core/tls.py: the throw-away test CA (made by the real `openssl`), `TlsIntercept`, and CONNECT in
the core handler, over real sockets and real TLS."""

from __future__ import annotations

import socket
import ssl
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commerce_simulators.core import TlsIntercept, TlsSetupError
from commerce_simulators.core.tls import make_test_ca

from ..support import read_head
from .test_new_simulator import EchoSimulator

HOST = "api.linnworks.net"


class TlsEchoSimulator(EchoSimulator):
    proxied_hosts = ("echo.example",)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _handshake(folder: Path, server_hostname: str) -> dict[str, Any]:
    """A TLS handshake over a socket pair: the leaf in `folder` serving, a client trusting only
    `folder`/ca.pem and checking `server_hostname`; the certificate the client saw."""
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(folder / "server.pem", folder / "server.key")
    client_ctx = ssl.create_default_context(cafile=folder / "ca.pem")
    server_sock, client_sock = socket.socketpair()
    server_sock.settimeout(5)
    client_sock.settimeout(5)

    def serve() -> None:
        try:
            with server_ctx.wrap_socket(server_sock, server_side=True):
                pass
        except OSError:  # the client refused us
            pass

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client_ctx.wrap_socket(client_sock, server_hostname=server_hostname) as tls:
            cert = tls.getpeercert()
            assert cert is not None
            return cert
    finally:
        thread.join(5)
        server_sock.close()
        client_sock.close()


def _connect(port: int, request: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(request)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


@pytest.fixture(scope="module")
def intercept() -> Iterator[TlsIntercept]:
    tls = TlsIntercept((HOST,))
    yield tls
    tls.close()


def test_test_ca_verifies_the_host_and_nothing_else(tmp_path: Path):
    folder = tmp_path / "tls"
    make_test_ca(folder, (HOST, "other.example"))
    cert = _handshake(folder, HOST)
    assert cert["subjectAltName"] == (("DNS", HOST), ("DNS", "other.example"))
    assert cert["issuer"] == ((("commonName", "commerce-simulators test CA"),),)
    assert _handshake(folder, "other.example")["subject"] == ((("commonName", HOST),),)
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        _handshake(folder, "evil.example")


def test_test_ca_keys_are_private(tmp_path: Path):
    folder = tmp_path / "tls"
    folder.mkdir(mode=0o755)
    make_test_ca(folder, (HOST,))
    assert _mode(folder) == 0o700
    assert (_mode(folder / "ca.key"), _mode(folder / "server.key")) == (0o600, 0o600)
    assert {"ca.pem", "server.pem"} <= {p.name for p in folder.iterdir()}


def test_an_owned_folder_is_removed_on_close(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    tls = TlsIntercept((HOST.upper(),))
    assert tls.folder is not None and tls.folder.parent == tmp_path and _mode(tls.folder) == 0o700
    assert tls.ca_file == tls.folder / "ca.pem" and tls.ca_file.is_file() and tls.hosts == (HOST,)
    tls.close()
    tls.close()
    assert list(tmp_path.iterdir()) == []


def test_a_given_folder_is_kept_on_close(tmp_path: Path):
    tls = TlsIntercept((HOST,), tmp_path / "tls")
    tls.close()
    assert tls.ca_file == tmp_path / "tls" / "ca.pem" and tls.ca_file.is_file()


@pytest.mark.parametrize(
    ("authority", "plays"),
    [
        (f"{HOST}:443", True),
        (f"{HOST.upper()}:443", True),
        (f"{HOST}:80", False),
        (HOST, False),
        ("evil.example:443", False),
        (f"{HOST}.evil.example:443", False),
    ],
)
def test_plays_only_our_hosts_on_443(intercept: TlsIntercept, authority: str, plays: bool):
    assert intercept.plays(authority) is plays


def test_no_openssl_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "bin").mkdir()
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    with pytest.raises(TlsSetupError, match=r"^the `openssl` command is needed .*; install it$"):
        TlsIntercept((HOST,))
    assert list((tmp_path / "tmp").iterdir()) == []  # its temporary folder went with it
    with pytest.raises(TlsSetupError, match="`openssl`"):
        TlsEchoSimulator().start()


def test_a_failing_openssl_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    fake = tmp_path / "bin" / "openssl"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'no entropy today' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    with pytest.raises(TlsSetupError, match="^openssl req failed: no entropy today$"):
        make_test_ca(tmp_path / "tls", (HOST,))


def test_connect_is_refused_by_a_simulator_without_proxied_hosts():
    with EchoSimulator() as sim:
        assert sim.ca_file is None and sim.proxy_url == sim.url
        with _connect(sim.port, f"CONNECT {HOST}:443 HTTP/1.1\r\nHost: {HOST}:443\r\n\r\n".encode()) as sock:
            answer = _read_all(sock)
        status, *headers = answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        assert status == b"HTTP/1.1 403 Forbidden"
        assert {b"Content-Type: text/plain", b"Content-Length: 39", b"Connection: close"} < set(headers)
        assert answer.endswith(f"\r\n\r\nno tunnel to {HOST}:443 here".encode())
        assert sim.stats() == {"requests": 0, "by_path": {}}


@pytest.mark.filterwarnings("error::ResourceWarning", "error::pytest.PytestUnraisableExceptionWarning")
def test_a_played_host_is_served_inside_the_tunnel():
    """A request inside the tunnel is served by the simulator's own handler, which then closes the
    tunnel itself (no unclosed socket left to the garbage collector)."""
    with TlsEchoSimulator() as sim:
        assert sim.ca_file is not None
        context = ssl.create_default_context(cafile=sim.ca_file)
        connect = b"CONNECT echo.example:443 HTTP/1.1\r\nHost: echo.example:443\r\n\r\n"
        with _connect(sim.port, connect) as raw:
            assert read_head(raw) == b"HTTP/1.1 200 Connection established\r\n\r\n"
            with context.wrap_socket(raw, server_hostname="echo.example") as tls:
                tls.sendall(b"GET /inside HTTP/1.1\r\nHost: echo.example\r\nConnection: close\r\n\r\n")
                answer = _read_all(tls)
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b'\r\n\r\n{"echo": "/inside"}')
        assert sim.stats() == {"requests": 1, "by_path": {"/inside": 1}}
