"""Sources that are not Airbyte connections: data the pipeline writes into raw itself."""
