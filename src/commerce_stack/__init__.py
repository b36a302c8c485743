"""Commerce data stack: local simulators, Airbyte sync runner, SQLMesh pipeline and quality gate."""
