"""The ready line: what a simulator prints once listening, and how a launcher reads it back."""

from __future__ import annotations

import io

import pytest

from commerce_simulators.core import ReadyLineError, parse_ready, print_ready, ready_prefix


@pytest.mark.parametrize(
    ("name", "url"),
    [("fakestore", "http://127.0.0.1:8765"), ("tinyerp", "http://127.0.0.1:40123/api2")],
)
def test_ready_line_round_trip(name: str, url: str):
    out = io.StringIO()
    print_ready(name, url, file=out)
    line = out.getvalue()
    assert line == f"{name.upper()}_SIMULATOR_URL={url}\n"
    assert parse_ready(line, name) == url


def test_ready_prefix_is_the_documented_one():
    assert ready_prefix("fakestore") == "FAKESTORE_SIMULATOR_URL="
    assert ready_prefix("tinyerp") == "TINYERP_SIMULATOR_URL="


@pytest.mark.parametrize(
    "line",
    [
        "",
        "\n",
        "listening on http://127.0.0.1:8765\n",
        "FAKESTORE_SIMULATOR_URL=\n",
        "FAKESTORE_SIMULATOR_URL=127.0.0.1:8765\n",
        "TINYERP_SIMULATOR_URL=http://127.0.0.1:8766/api2\n",  # another simulator's line
        "fakestore_simulator_url=http://127.0.0.1:8765\n",
    ],
)
def test_malformed_ready_line_is_refused_naming_the_simulator(line: str):
    with pytest.raises(ReadyLineError, match=r"not the fakestore simulator's ready line") as caught:
        parse_ready(line, "fakestore")
    assert repr(line) in str(caught.value)
    assert isinstance(caught.value, ValueError)
