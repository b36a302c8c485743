"""An offline Linnworks API as the Airbyte connector reads it: application auth with session tokens
and TTL, stock locations, stock items with levels per location, processed orders searched by date
window and their details, seeded data that scales to 50k+ orders, and an admin route that moves time
on (new orders, stock changes) between syncs.

Run it with `python -m commerce_simulators.linnworks` or in-process with `LinnworksSimulator`.
Standard library only. See README.md.
"""

from .auth import DEFAULT_APPLICATION_ID, DEFAULT_APPLICATION_SECRET, DEFAULT_TOKEN, Sessions
from .generator import Dataset, build_dataset
from .simulator import LinnworksSimulator

__all__ = [
    "DEFAULT_APPLICATION_ID",
    "DEFAULT_APPLICATION_SECRET",
    "DEFAULT_TOKEN",
    "Dataset",
    "LinnworksSimulator",
    "Sessions",
    "build_dataset",
]
