"""The two scales and what one scale's measurements produce."""

from __future__ import annotations

from dataclasses import dataclass, field

from .reads import ConnectorRead
from .runs import ColdRun, Run
from .transform import DirectBuild

REFERENCE_CARTS, REFERENCE_ORDERS, LARGE_CARTS = 7, 300, 100_000
DEFAULT_LARGE_ORDERS = 4_000  # ~8,600 TinyERP requests: under the simulator's 10,000-entry request log
FAST_REQUESTS_PER_MINUTE = 1_000_000  # row 1: so that the connector's pacing does not dominate


@dataclass(frozen=True)
class Scale:
    name: str
    profile: str  # FakeStore's data set
    carts: int
    tinyerp_orders: int | None  # None: the simulator's default (300)

    @property
    def orders(self) -> int:
        return self.tinyerp_orders or REFERENCE_ORDERS

    @property
    def run_args(self) -> list[str]:
        """`commerce-stack run` / `make run ARGS=` for a first run at this scale."""
        args = [] if self.profile == "reference" else ["--profile", self.profile]
        return args + (["--tinyerp-orders", str(self.tinyerp_orders)] if self.tinyerp_orders else [])

    @property
    def new_carts(self) -> int:
        return max(1, round(self.carts / 100))

    @property
    def tinyerp_advance(self) -> int:
        return max(1, round(self.orders / 100))

    @property
    def new_data_args(self) -> list[str]:
        """1% new data: carts after the data set, and TinyERP orders moving on (half as many new)."""
        extra = ["--new-carts", str(self.new_carts), "--tinyerp-advance", str(self.tinyerp_advance)]
        return self.run_args + extra

    def describe(self) -> str:
        return (
            f"FakeStore {self.profile} ({self.carts:,} carts), TinyERP {self.orders:,} orders; "
            f"new data: {self.new_carts:,} carts + {self.tinyerp_advance} TinyERP orders advanced"
        )


def scales(large_orders: int) -> dict[str, Scale]:
    return {
        "default": Scale("default", "reference", REFERENCE_CARTS, None),
        "large": Scale("large", "large", LARGE_CARTS, large_orders),
    }


@dataclass
class ScaleResult:
    scale: Scale
    fakestore: ConnectorRead | None = None
    tinyerp_fast: ConnectorRead | None = None  # FAST_REQUESTS_PER_MINUTE, replayed
    tinyerp_paced: ConnectorRead | None = None  # as `make run`: 6,000/min
    json_load_seconds: float | None = None
    first: Run | None = None
    direct: DirectBuild | None = None
    unchanged: Run | None = None
    new_data: Run | None = None
    cold: ColdRun | None = None
    failures: list[str] = field(default_factory=list)
