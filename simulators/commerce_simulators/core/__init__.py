"""What every simulator shares, written once: the HTTP server and handler base (`http`), the request
log and counters (`stats`), the fault switches (`faults`), the /__admin plumbing (`admin`), the ready
line (`ready`), the command line (`cli`), the in-process lifecycle (`simulator`) and the HTTPS proxy
of real API hosts with a throw-away test CA (`tls`: `Simulator.proxied_hosts`, `ca_file`, `proxy_url`).

A simulator supplies only its own routes, data, quirks and extra admin routes:

    class EchoHandler(SimulatorHandler):               # what an API request answers
        def serve_api(self, path, split, raw): ...
        do_GET = do_POST = SimulatorHandler.dispatch

    class EchoFault(Fault):                             # what a fault matches on (or PathFault:
        endpoint: str | None = None                     # a path prefix and a method, ready-made)
        FIELDS = ("endpoint", *Fault.FIELDS)
        def matches(self, endpoint): return self.endpoint in (None, endpoint)
        def dump_json(self, value): return json.dumps(value).encode()

    class EchoAdmin(AdminApi):                          # its admin answers and extra routes
        def json(self, value, status=200): ...          # (errors: {"error": message} by default)

    class EchoSimulator(Simulator):                     # (or PathFaultSimulator: + inject_fault)
        name, handler, fault_type, admin_type = "echo", EchoHandler, EchoFault, EchoAdmin
        def stats(self): ...
        def summary(self): ...                          # the CLI's stderr line
"""

from .admin import AdminApi, AdminRequest, Routes
from .faults import Fault, FaultBook, FaultSpecError, PathFault
from .http import ADMIN_PREFIX, JSON_TYPE, Response, SimulatorHandler, SimulatorHTTPServer
from .ready import ReadyLineError, parse_ready, print_ready, ready_prefix
from .simulator import PathFaultSimulator, Simulator
from .stats import RequestStats
from .tls import TlsIntercept, TlsSetupError

__all__ = [
    "ADMIN_PREFIX",
    "JSON_TYPE",
    "AdminApi",
    "AdminRequest",
    "Fault",
    "FaultBook",
    "FaultSpecError",
    "PathFault",
    "PathFaultSimulator",
    "ReadyLineError",
    "RequestStats",
    "Response",
    "Routes",
    "Simulator",
    "SimulatorHTTPServer",
    "SimulatorHandler",
    "TlsIntercept",
    "TlsSetupError",
    "parse_ready",
    "print_ready",
    "ready_prefix",
]
