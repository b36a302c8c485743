"""Transformation: the SQLMesh project at the repository root, planned per load."""
