"""What every simulator shares, written once: the HTTP server and handler base (`http`), the request
log and counters (`stats`), the fault switches (`faults`), the /__admin plumbing (`admin`), the ready
line (`ready`), the command line (`cli`) and the in-process lifecycle (`simulator`).

A simulator supplies only its own routes, data, quirks and extra admin routes:

    class LinnworksHandler(SimulatorHandler):          # what an API request answers
        def serve_api(self, path, split, raw): ...
        do_GET = do_POST = SimulatorHandler.dispatch

    class LinnworksFault(Fault):                        # what a fault matches on
        path_prefix: str = "/"
        FIELDS = ("path_prefix", *Fault.FIELDS)
        def matches(self, path): return path.startswith(self.path_prefix)
        def dump_json(self, value): return json.dumps(value).encode()

    class LinnworksAdmin(AdminApi):                     # its admin answers and extra routes
        def json(self, value, status=200): ...
        def error(self, message, status=400): ...

    class LinnworksSimulator(Simulator):
        name, handler, fault_type, admin_type = "linnworks", LinnworksHandler, LinnworksFault, LinnworksAdmin
        def stats(self): ...
"""

from .admin import AdminApi, AdminRequest, Routes
from .faults import Fault, FaultBook, FaultSpecError
from .http import ADMIN_PREFIX, JSON_TYPE, Response, SimulatorHandler, SimulatorHTTPServer
from .ready import ReadyLineError, parse_ready, print_ready, ready_prefix
from .simulator import Simulator
from .stats import RequestStats

__all__ = [
    "ADMIN_PREFIX",
    "JSON_TYPE",
    "AdminApi",
    "AdminRequest",
    "Fault",
    "FaultBook",
    "FaultSpecError",
    "ReadyLineError",
    "RequestStats",
    "Response",
    "Routes",
    "Simulator",
    "SimulatorHTTPServer",
    "SimulatorHandler",
    "parse_ready",
    "print_ready",
    "ready_prefix",
]
