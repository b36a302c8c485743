"""Airbyte source for the TinyERP / Olist Tiny API v2."""
