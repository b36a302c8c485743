"""The simulator as the HTTPS proxy of api.linnworks.net (core/tls.py): the connector's hard-coded auth
host reached through CONNECT, over real sockets and real TLS with the simulator's test CA."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from commerce_simulators.linnworks import LinnworksSimulator

from ..support import HttpResult, read_head, running_cli, stop_cli
from .support import FORM, post

HOST = "api.linnworks.net"
AUTH_URL = f"https://{HOST}/api/Auth/AuthorizeByApplication"
LOCATIONS = "/api/Inventory/GetStockLocations"


def _form(sim: LinnworksSimulator, **overrides: str) -> bytes:
    form = {"applicationId": sim.application_id, "applicationSecret": sim.application_secret}
    return urlencode(form | {"token": sim.token} | overrides).encode()


def _via_proxy(
    proxy_url: str, url: str, data: bytes, context: ssl.SSLContext, headers: dict[str, str] | None = None
) -> HttpResult:
    """`POST url` the way `requests` does with HTTPS_PROXY set: CONNECT to the proxy, then TLS."""
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"https": proxy_url}), urllib.request.HTTPSHandler(context=context)
    )
    req = urllib.request.Request(url, data=data, method="POST", headers={**FORM, **(headers or {})})
    try:
        with opener.open(req, timeout=5) as response:
            return HttpResult(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return HttpResult(error.code, error.headers, error.read())


def _trusting(sim: LinnworksSimulator) -> ssl.SSLContext:
    assert sim.ca_file is not None
    return ssl.create_default_context(cafile=sim.ca_file)


def test_auth_through_the_proxy_names_the_plain_server(sim: LinnworksSimulator):
    assert sim.proxy_url == sim.url
    reply = _via_proxy(sim.proxy_url, AUTH_URL, _form(sim), _trusting(sim))
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/json; charset=utf-8"
    body = reply.json()
    assert (body["TTL"], body["Server"]) == (1800, sim.url) and len(body["Token"]) == 36
    locations = post(sim, LOCATIONS, session=body["Token"])
    assert locations.status == 200 and len(locations.json()) == 3
    assert [(e["route"], e["status"], e["session"]) for e in sim.requests()] == [
        ("Auth/AuthorizeByApplication", 200, None),
        ("Inventory/GetStockLocations", 200, "valid"),
    ]


def test_http_client_tunnel_carries_several_requests(sim: LinnworksSimulator):
    """Python's http.client tunnels with `CONNECT host:443 HTTP/1.0` and no Host header; the tunnel
    stays open for the requests that follow (keep-alive inside it)."""
    conn = http.client.HTTPSConnection("127.0.0.1", sim.port, timeout=5, context=_trusting(sim))
    conn.set_tunnel(HOST, 443)
    try:
        conn.request("POST", "/api/Auth/AuthorizeByApplication", _form(sim), FORM)
        auth = conn.getresponse()
        assert (auth.status, auth.getheader("Connection")) == (200, "keep-alive")
        token = json.loads(auth.read())["Token"]
        tunnel = conn.sock
        assert isinstance(tunnel, ssl.SSLSocket) and tunnel.server_hostname == HOST
        conn.request("POST", LOCATIONS, b"", {**FORM, "Authorization": token})
        locations = conn.getresponse()
        assert locations.status == 200 and len(json.loads(locations.read())) == 3
        assert conn.sock is tunnel  # no second CONNECT: http.client reconnects only when closed
    finally:
        conn.close()
    assert [e["status"] for e in sim.requests()] == [200, 200]


def test_raw_http_1_0_connect_without_host_then_two_requests(sim: LinnworksSimulator):
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as raw:
        raw.sendall(f"CONNECT {HOST}:443 HTTP/1.0\r\n\r\n".encode())
        assert read_head(raw) == b"HTTP/1.1 200 Connection established\r\n\r\n"
        with _trusting(sim).wrap_socket(raw, server_hostname=HOST) as tls:
            statuses = []
            for path in (LOCATIONS, "/api/Auth/AuthorizeByApplication"):
                body = b"" if path == LOCATIONS else _form(sim)
                head = f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: {len(body)}\r\n"
                tls.sendall(head.encode() + b"Content-Type: application/x-www-form-urlencoded\r\n\r\n" + body)
                response = http.client.HTTPResponse(tls)  # type: ignore[arg-type]
                response.begin()
                response.read()
                statuses.append((response.status, response.getheader("Connection")))
    assert statuses == [(401, "keep-alive"), (200, "keep-alive")]
    routes = [e["route"] for e in sim.requests()]
    assert routes == ["Inventory/GetStockLocations", "Auth/AuthorizeByApplication"]


@pytest.mark.parametrize("authority", ["example.com:443", f"{HOST}:80", "127.0.0.1:443"])
def test_connect_anywhere_else_answers_403(sim: LinnworksSimulator, authority: str):
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as raw:
        raw.sendall(f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n".encode())
        answer = b""
        while chunk := raw.recv(4096):  # the connection ends after the answer
            answer += chunk
    status, *headers = answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert status == b"HTTP/1.1 403 Forbidden"
    assert {b"Content-Type: text/plain", b"Connection: close"} < set(headers)
    assert answer.endswith(f"\r\n\r\nno tunnel to {authority} here".encode())
    assert sim.requests() == [] and sim.stats()["requests"] == 0


def test_urllib_through_the_proxy_to_another_host_fails_with_403(sim: LinnworksSimulator):
    with pytest.raises(urllib.error.URLError) as info:
        _via_proxy(sim.proxy_url, "https://example.com/api/Auth/AuthorizeByApplication", b"", _trusting(sim))
    assert str(info.value.reason) == "Tunnel connection failed: 403 Forbidden"
    assert sim.requests() == []


def test_a_client_trusting_only_the_system_cas_refuses_us(sim: LinnworksSimulator):
    with pytest.raises(urllib.error.URLError) as info:
        _via_proxy(sim.proxy_url, AUTH_URL, _form(sim), ssl.create_default_context())
    assert isinstance(info.value.reason, ssl.SSLCertVerificationError)
    assert sim.requests() == []
    assert _via_proxy(sim.proxy_url, AUTH_URL, _form(sim), _trusting(sim)).status == 200  # still serving


def test_wrong_secret_through_the_proxy_answers_401(sim: LinnworksSimulator):
    reply = _via_proxy(sim.proxy_url, AUTH_URL, _form(sim, applicationSecret="nope"), _trusting(sim))
    assert (reply.status, reply.json()) == (
        401,
        {"Code": None, "Message": "Invalid application id, secret or token"},
    )
    assert [(e["status"], e["params"]["applicationSecret"]) for e in sim.requests()] == [(401, "***")]


def test_secrets_and_tokens_stay_out_of_the_request_log(sim: LinnworksSimulator):
    token = _via_proxy(sim.proxy_url, AUTH_URL, _form(sim), _trusting(sim)).json()["Token"]
    assert post(sim, LOCATIONS, session=token).status == 200
    log = json.dumps(sim.requests())
    admin_log = urllib.request.urlopen(sim.admin_url + "/requests", timeout=5).read().decode()
    for secret in (sim.application_secret, sim.token, token):
        assert secret not in log and secret not in admin_log
    assert sim.application_id in log  # the log does show the request's parameters


def test_cli_writes_the_ca_to_tls_dir_and_keeps_secrets_out_of_stderr(tmp_path: Path):
    tls_dir = tmp_path / "tls"
    secret, installation = "s3cret-for-the-proxy", "installation-token-xyz"
    args = ("--tls-dir", str(tls_dir), "--verbose", "--application-secret", secret, "--token", installation)
    with running_cli("linnworks", *args) as (proc, url):
        ca_file = tls_dir / "ca.pem"
        assert ca_file.is_file()
        form = urlencode({"applicationId": "sim-application-id", "applicationSecret": secret})
        form += "&" + urlencode({"token": installation})
        auth = _via_proxy(url, AUTH_URL, form.encode(), ssl.create_default_context(cafile=ca_file)).json()
        assert auth["Server"] == url
        locations = urllib.request.Request(url + LOCATIONS, b"", {**FORM, "Authorization": auth["Token"]})
        with urllib.request.urlopen(locations, timeout=5) as response:
            assert response.status == 200
        err = stop_cli(proc)
    summary = err.splitlines()[0]
    assert summary.startswith("linnworks simulator: seed=42 ") and f" ca={ca_file} " in summary
    assert '"POST /api/Auth/AuthorizeByApplication HTTP/1.1" 200' in err  # --verbose logged it
    for value in (secret, installation, auth["Token"]):
        assert value not in err
    assert ca_file.is_file()  # a folder it was given stays


def test_stop_removes_an_owned_ca_folder_and_keeps_a_given_one(tmp_path: Path):
    with LinnworksSimulator(orders=20, items=5) as sim:
        assert sim.ca_file is not None and sim.ca_file.is_file()
        owned = sim.ca_file.parent
    assert not owned.exists() and sim.ca_file is None
    with LinnworksSimulator(orders=20, items=5, tls_dir=tmp_path / "tls") as sim:
        assert sim.ca_file == tmp_path / "tls" / "ca.pem"
    assert (tmp_path / "tls" / "ca.pem").is_file()
