"""The quality gate: Great Expectations suites (expectations/) on a SQLMesh environment."""
