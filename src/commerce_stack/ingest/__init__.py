"""Ingestion: the Airbyte connections of airbyte_config/, run locally through PyAirbyte."""
