"""Airbyte declarative source for the FakeStore API; the manifest is ``manifest.yaml``."""
