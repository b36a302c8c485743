"""A simulator written with the core only: its own route, fault matching and admin route; the server,
lifecycle, request log, fault switches and shared admin routes come from the core."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, ClassVar

from commerce_simulators.core import (
    AdminApi,
    Fault,
    Response,
    Routes,
    Simulator,
    SimulatorHandler,
)


class EchoHandler(SimulatorHandler):
    do_GET = SimulatorHandler.dispatch

    def serve_api(self, path, split, raw) -> None:
        sim = self.server.sim
        sim.request_stats.record({"path": path}, by_path=path)
        fault = sim.faults.take(path)
        if fault is not None:
            if self.stall_or_drop(fault):
                return
            answer = fault.answer()
            if answer is not None:
                self.send(answer)
                return
        self.send(Response(200, json.dumps({"echo": path}).encode()))


@dataclass
class EchoFault(Fault):
    path: str | None = None
    FIELDS: ClassVar[tuple[str, ...]] = ("path", *Fault.FIELDS)

    def matches(self, path: str) -> bool:
        return self.path in (None, path)

    def dump_json(self, value: Any) -> bytes:
        return json.dumps(value).encode()


class EchoAdmin(AdminApi):
    def routes(self) -> Routes:
        return {("/hello", "GET"): lambda req: self.json({"hello": req.params})}

    def json(self, value: Any, status: int = 200) -> Response:
        return Response(status, json.dumps(value).encode())

    def error(self, message: str, status: int = 400) -> Response:
        return self.json({"problem": message}, status)

    def params(self, query: dict[str, list[str]], body: Any, raw: bytes) -> Any:
        return {k: v[-1] for k, v in query.items()}


class EchoSimulator(Simulator):
    name = "echo"
    handler = EchoHandler
    fault_type = EchoFault
    admin_type = EchoAdmin

    def stats(self) -> dict[str, Any]:
        return {"requests": self.request_stats.requests, "by_path": self.request_stats.tally("by_path")}


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_a_new_simulator_needs_only_its_own_parts():
    with EchoSimulator() as sim:
        assert _get(f"{sim.url}/a") == (200, {"echo": "/a"})
        added = sim.add_fault({"path": "/b", "status": 503, "body": {"down": True}})
        assert added["id"] == 1 and list(added)[:2] == ["path", "status"]
        assert _get(f"{sim.url}/b") == (503, {"down": True})
        assert _get(f"{sim.url}/b") == (200, {"echo": "/b"})
        assert _get(f"{sim.admin_url}/hello?x=1") == (200, {"hello": {"x": "1"}})
        assert _get(f"{sim.admin_url}/stats") == (200, {"requests": 3, "by_path": {"/a": 1, "/b": 2}})
        assert _get(f"{sim.admin_url}/requests")[1] == [{"path": "/a"}, {"path": "/b"}, {"path": "/b"}]
        assert _get(f"{sim.admin_url}/nope") == (404, {"problem": "no admin route GET /__admin/nope"})
        sim.reset()
        assert sim.stats() == {"requests": 0, "by_path": {}} and sim.request_stats.admin_requests == 0
