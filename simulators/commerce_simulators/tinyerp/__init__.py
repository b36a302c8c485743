"""An offline TinyERP (Olist Tiny) API v2: `/api2/<endpoint>.php` with the string-typed `retorno`
envelope, Tiny's error codes, pages of 100, dd/mm/yyyy dates in Sao Paulo time, a per-account minute
budget and concurrency cap (codes 6 and 11), seeded data that scales to 50k+ orders, and admin routes
to make orders change, disappear or shift pages between requests.

Run it with `python -m commerce_simulators.tinyerp` or in-process with `TinyErpSimulator`.
Standard library only. See README.md.
"""

from .clock import Clock, ManualClock, SystemClock
from .generator import Dataset, build_dataset
from .limiter import RateLimiter
from .simulator import DEFAULT_TOKEN, TinyErpSimulator

__all__ = [
    "DEFAULT_TOKEN",
    "Clock",
    "Dataset",
    "ManualClock",
    "RateLimiter",
    "SystemClock",
    "TinyErpSimulator",
    "build_dataset",
]
