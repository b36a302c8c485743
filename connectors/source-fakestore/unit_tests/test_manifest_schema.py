"""The manifest an Airbyte instance is given (`commerce-stack airbyte apply` publishes it as a
declarative source definition) passes the CDK's own validation: the declarative component schema
shipped with the CDK the manifest names (`version: 7.39.1`), after the references are resolved and
the types propagated, as the platform's runtime does before it builds a source."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from airbyte_cdk.sources.declarative.concurrent_declarative_source import (
    get_declarative_component_schema,
    validate_manifest,
)
from airbyte_cdk.sources.declarative.parsers.manifest_component_transformer import (
    ManifestComponentTransformer,
)
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from jsonschema import ValidationError
from source_fakestore.run import MANIFEST_PATH


def _validated(manifest: dict[str, Any]) -> dict[str, Any]:
    resolved = ManifestReferenceResolver().preprocess_manifest(manifest)
    propagated = ManifestComponentTransformer().propagate_types_and_parameters("", resolved, {})
    validate_manifest(propagated, get_declarative_component_schema())
    return propagated


def _manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST_PATH.read_text())


def test_given_the_packaged_manifest_when_validated_against_the_cdk_schema_then_it_passes() -> None:
    validated = _validated(_manifest())
    streams = {s["name"]: s for s in validated["streams"]}
    assert sorted(streams) == ["carts", "products", "users"]
    assert {name: s["primary_key"] for name, s in streams.items()} == {
        "carts": ["id"],
        "products": ["id"],
        "users": ["id"],
    }
    assert streams["carts"]["incremental_sync"]["cursor_field"] == "date"


@pytest.mark.parametrize(
    "break_it",
    [
        lambda m: m["definitions"]["streams"]["carts"]["incremental_sync"].update(type="DateTimeCursor"),
        lambda m: m["definitions"]["streams"]["products"].pop("retriever"),
        lambda m: m["definitions"]["record_selector"]["extractor"].update(field_path="data"),
    ],
    ids=["unknown component type", "a required component left out", "a path that is not a list"],
)
def test_given_a_broken_copy_when_validated_then_the_cdk_schema_refuses_it(break_it) -> None:
    broken = copy.deepcopy(_manifest())
    break_it(broken)
    with pytest.raises(ValidationError):
        _validated(broken)
