"""An offline FakeStore API (https://fakestoreapi.com): same routes, shapes and quirks, seeded data
from the 20/10/7 reference set up to 100k+ carts, deterministic new carts, injectable faults.

Run it with `python -m commerce_simulators.fakestore` or in-process with `FakeStoreSimulator`.
Standard library only.
"""

from .generator import PROFILES, AddedCarts, Dataset, build_dataset
from .simulator import FakeStoreSimulator
from .store import Store

__all__ = ["PROFILES", "AddedCarts", "Dataset", "FakeStoreSimulator", "Store", "build_dataset"]
