"""Spec and catalog are asked of a connector once per build, as an Airbyte instance keeps them."""

from __future__ import annotations

import shutil

import airbyte as ab
import pytest
from airbyte_protocol.models import ConnectorSpecification
from commerce_pyairbyte.connector_cache import ConnectorCache

from commerce_stack.airbyte_config import load_connection
from commerce_stack.connector_builds import connector_build


def _source(executable):
    source = ab.get_source("source-fakestore", local_executable=executable, install_if_missing=False)
    source.set_config({"base_url": "http://127.0.0.1:9"}, validate=False)  # discover reads no API
    return source


@pytest.fixture
def fakestore():
    return load_connection("fakestore").source


def test_given_a_cached_spec_and_catalog_when_asked_again_then_the_connector_is_not_run(fakestore, tmp_path):
    cache = ConnectorCache(tmp_path / "connectors")
    spec = cache.spec(fakestore, _source(fakestore.executable))
    catalog = cache.catalog(fakestore, _source(fakestore.executable))
    assert "base_url" in spec.connectionSpecification["properties"]
    assert sorted(s.name for s in catalog.streams) == ["carts", "products", "users"]

    broken = _source(shutil.which("false"))  # any run of this "connector" fails
    assert cache.spec(fakestore, broken) == spec
    assert broken._spec == spec  # PyAirbyte validates configurations against it without `spec`
    assert cache.catalog(fakestore, broken) == catalog
    with pytest.raises(Exception):  # noqa: B017 - PyAirbyte's error for a connector that fails
        cache.catalog(fakestore, broken, refresh=True)


def test_given_a_changed_connector_file_when_keyed_then_its_build_differs(fakestore, tmp_path):
    copy = tmp_path / "source-fakestore"
    shutil.copytree(fakestore.local_path, copy, ignore=shutil.ignore_patterns(".venv"))
    moved = type(fakestore)(fakestore.name, fakestore.connector_name, copy, fakestore.declared_configuration)
    assert connector_build(moved) == connector_build(fakestore)
    manifest = copy / "source_fakestore" / "manifest.yaml"
    manifest.write_text(manifest.read_text() + "\n# changed\n")
    assert connector_build(moved) != connector_build(fakestore)
    (copy / "unit_tests" / "new_test.py").write_text("")  # tests are not part of the build
    moved_again = connector_build(moved)
    (copy / "unit_tests" / "other_test.py").write_text("")
    assert connector_build(moved) == moved_again


def test_given_a_damaged_cache_file_when_asked_then_the_connector_answers_again(fakestore, tmp_path):
    cache = ConnectorCache(tmp_path / "connectors")
    spec = cache.spec(fakestore, _source(fakestore.executable))
    (cached,) = (tmp_path / "connectors").glob("*-spec.json")
    cached.write_text('{"truncated": ')
    assert cache.spec(fakestore, _source(fakestore.executable)) == spec
    assert ConnectorSpecification.model_validate_json(cached.read_text()) == spec  # written again
