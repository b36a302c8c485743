"""Helpers shared by the test areas: real SMTP, raw layouts, dq histories, suites, pipeline runs."""
