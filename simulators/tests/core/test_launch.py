"""`launch`: a simulator as a subprocess of a given interpreter, its URL read from the ready line."""

from __future__ import annotations

import json
import stat
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from commerce_simulators.launch import SimulatorStartError, launch


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_launch_fakestore_yields_a_url_that_answers():
    with launch("fakestore", "--seed", "7", python=sys.executable) as url:
        assert url.startswith("http://127.0.0.1:")
        assert len(_get_json(f"{url}/products")) == 20
        assert _get_json(f"{url}/__admin/stats")["seed"] == 7
    with pytest.raises(OSError):  # stopped on exit
        urllib.request.urlopen(f"{url}/products", timeout=2)


def test_launch_tinyerp_yields_the_api2_url_that_answers():
    with launch("tinyerp", "--orders", "40", "--token", "t0k") as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api2")
        retorno = _get_json(f"{url}/info.php?token=t0k&formato=json")["retorno"]
        assert retorno["status"] == "OK"


def _start(name: str, *args: str, **kwargs: Any) -> None:
    with launch(name, *args, **kwargs):
        pytest.fail(f"the {name} simulator should not have started")


def test_simulator_that_exits_early_is_named_with_its_stderr():
    with pytest.raises(SimulatorStartError) as caught:
        _start("fakestore", "--products", "5")
    message = str(caught.value)
    assert message.startswith(
        "the fakestore simulator did not start: it exited before printing its ready line"
    )
    assert "(exit code 2)" in message
    assert "products must be >= 20" in message  # its stderr


def _fake_python(tmp_path: Path, body: str) -> str:
    """An executable that stands in for the interpreter (whatever its arguments): runs `body`."""
    script = tmp_path / "python"
    script.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_line_that_is_not_the_ready_line_is_named(tmp_path: Path):
    python = _fake_python(tmp_path, "print('listening on port 8765', flush=True); sys.exit('oops')")
    with pytest.raises(SimulatorStartError) as caught:
        _start("tinyerp", python=python)
    message = str(caught.value)
    assert message.startswith("the tinyerp simulator did not start: not the tinyerp simulator's ready line")
    assert "'listening on port 8765\\n'" in message and "oops" in message


def test_silent_simulator_times_out(tmp_path: Path):
    python = _fake_python(tmp_path, "time.sleep(30)")
    with pytest.raises(
        SimulatorStartError, match=r"^the fakestore simulator did not start: no ready line within 0\.5s"
    ):
        _start("fakestore", python=python, timeout=0.5)


def test_missing_interpreter_is_named(tmp_path: Path):
    with pytest.raises(SimulatorStartError, match="^the fakestore simulator did not start: cannot run"):
        _start("fakestore", python=str(tmp_path / "no-such-python"))
