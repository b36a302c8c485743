"""The local Airbyte runner: PyAirbyte runs the connections of airbyte_config/ into the warehouse."""
