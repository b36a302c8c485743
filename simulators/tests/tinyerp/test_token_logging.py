"""The simulator never writes an API token: not in its verbose log (request lines carry the query
string), not on stdout, not in its request log, whatever the token's characters or encoding."""

from __future__ import annotations

import base64
import json
import urllib.request
from urllib.parse import quote, quote_plus, urlencode

from ..support import running_cli, stop_cli

TOKEN = "AUD+IT/PR=OBE%41&x"


def _forms(token: str) -> set[str]:
    raw = token.encode()
    return {token, quote(token), quote(token, safe=""), quote_plus(token), json.dumps(token)[1:-1]} | {
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
    }


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback simulator
        return response.read()


def test_verbose_log_and_request_log_never_show_the_token():
    with running_cli("tinyerp", "--verbose", "--token", TOKEN) as (proc, url):
        base = url.removesuffix("/api2")
        good = json.loads(_get(f"{url}/info.php?{urlencode({'token': TOKEN, 'formato': 'json'})}"))
        bad = json.loads(_get(f"{url}/info.php?formato=json&token={quote(TOKEN + 'x', safe='')}"))
        form = urllib.request.Request(
            f"{url}/info.php", data=urlencode({"token": TOKEN, "formato": "json"}).encode()
        )
        with urllib.request.urlopen(form, timeout=10) as response:  # noqa: S310 - loopback simulator
            posted = json.loads(response.read())
        log = _get(f"{base}/__admin/requests").decode()
        err = stop_cli(proc)

    assert good["retorno"]["status"] == "OK" and posted["retorno"]["status"] == "OK"
    assert bad["retorno"]["codigo_erro"] == "2"
    assert [entry["token"] for entry in json.loads(log)] == ["valid", "invalid", "valid"]
    assert err.count('"GET /api2/info.php?token=****&formato=json HTTP/1.1" 200') == 1
    assert err.count('"GET /api2/info.php?formato=json&token=**** HTTP/1.1" 200') == 1
    leaks = sorted(f for f in _forms(TOKEN) | _forms(TOKEN + "x") if f in err or f in log)
    assert leaks == []
