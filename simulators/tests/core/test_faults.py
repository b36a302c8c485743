"""Fault specs: validated once in the core, whatever the simulator; an invalid one is refused with a
message naming the field, in-process and through POST /__admin/faults (nothing is added)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from commerce_simulators.core import FaultSpecError
from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_simulators.fakestore.faults import Fault as FakeStoreFault
from commerce_simulators.tinyerp import TinyErpSimulator
from commerce_simulators.tinyerp.faults import Fault as TinyErpFault

INVALID = [
    ("not an object", "a fault is a JSON object"),
    ({"status": 200, "colour": "red"}, "unknown fault fields: ['colour']"),
    ({"status": 99}, "status must be an HTTP status code"),
    ({"status": "500"}, "status must be an HTTP status code"),
    ({"times": 0}, "times must be a positive integer or null"),
    ({"headers": {"Retry-After": 1}}, "headers must map strings to strings"),
    ({"delay_seconds": -1}, "delay_seconds must be a non-negative number"),
]


@pytest.mark.parametrize("fault_type", [FakeStoreFault, TinyErpFault])
@pytest.mark.parametrize(("spec", "message"), INVALID)
def test_invalid_fault_spec_is_refused_with_a_clear_message(fault_type: Any, spec: Any, message: str):
    with pytest.raises(FaultSpecError) as caught:
        fault_type.from_json(spec)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_each_simulator_checks_its_own_fields():
    with pytest.raises(FaultSpecError, match="path_prefix must be a string starting with '/'"):
        FakeStoreFault.from_json({"path_prefix": "carts"})
    with pytest.raises(FaultSpecError, match="unknown fault fields: \\['hold'\\]"):
        FakeStoreFault.from_json({"hold": True})  # a TinyERP switch
    with pytest.raises(FaultSpecError, match="give codigo_erro or status, not both"):
        TinyErpFault.from_json({"codigo_erro": "35", "status": 503})
    with pytest.raises(FaultSpecError, match="unknown fault fields: \\['path_prefix'\\]"):
        TinyErpFault.from_json({"path_prefix": "/api2"})


def test_valid_spec_round_trips_in_the_simulators_field_order():
    fault = TinyErpFault.from_json({"endpoint": "pedido.obter.php", "codigo_erro": 35, "times": None})
    assert list(fault.to_json()) == [*TinyErpFault.FIELDS, "id", "served"]
    assert (fault.endpoint, fault.codigo_erro, fault.times) == ("pedido.obter", "35", None)


def _post(url: str, body: Any) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_invalid_spec_through_the_admin_route_is_a_400_and_adds_nothing():
    with FakeStoreSimulator() as fakestore, TinyErpSimulator(orders=20) as tiny:
        # An array is validated as a whole: the valid first fault is not added either.
        status, body = _post(f"{fakestore.admin_url}/faults", [{"status": 503}, {"times": 0}])
        assert (status, body) == (
            400,
            {"status": "error", "message": "times must be a positive integer or null"},
        )
        status, body = _post(f"{tiny.admin_url}/faults", {"endpoint": "info", "delay_seconds": "1"})
        assert (status, body) == (400, {"error": "delay_seconds must be a non-negative number"})
        assert fakestore.stats()["faults_active"] == tiny.stats()["faults_active"] == 0
        with pytest.raises(FaultSpecError, match="status must be an HTTP status code"):
            fakestore.inject_fault("/carts", status=1000)
