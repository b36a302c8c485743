"""docs/columns.md: each column's raw field (with its JSON path) or parent columns, read off the
models by SQLMesh's column lineage, and `commerce-stack docs --check` keeping the page current.

The project is loaded once for the module, the way `commerce-stack docs` loads it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commerce_stack import cli
from commerce_stack.transform import column_map
from commerce_stack.transform.column_map import ColumnMap

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "columns.md"
STALE = "differs from the models: run `make docs` and commit it"


@pytest.fixture(scope="module")
def ctx() -> Iterator[Any]:
    with column_map.project_context() as context:
        yield context


@pytest.fixture(scope="module")
def page(ctx: Any) -> str:
    return column_map.render(ctx)


@pytest.mark.parametrize(
    ("model", "column", "sources", "derived", "description"),
    [
        # a key of each element of a JSON array: UNNEST(JSON_QUERY_ARRAY(products, '$'))
        (
            "staging.stg_fakestore__cart_lines",
            "product_id",
            ("raw_fakestore.carts.products[].productId",),
            None,
            "FakeStore product id",
        ),
        # elements numbered by GENERATE_ARRAY(1, ARRAY_LENGTH(...)): the number is not in the path
        (
            "staging.stg_tinyerp__order_lines",
            "sku",
            ("raw_tinyerp.orders.itens[].codigo",),
            None,
            "Seller's product code (codigo)",
        ),
        ("staging.stg_tinyerp__orders", "order_id", ("raw_tinyerp.orders.id",), None, "TinyERP order id"),
        (
            "staging.stg_tinyerp__orders",
            "sales_channel",
            ("raw_tinyerp.orders.ecommerce.nomeEcommerce",),
            None,
            'E-commerce channel the order came from, e.g. "Loja Virtual"; NULL for orders keyed into the ERP',
        ),
        # through a macro (@tiny_discount_amount): every field it reads
        (
            "staging.stg_tinyerp__orders",
            "discount_amount",
            (
                "raw_tinyerp.orders.total_produtos",
                "raw_tinyerp.orders.valor_desconto_percentual",
                "raw_tinyerp.orders.valor_desconto_tipo",
                "raw_tinyerp.orders.valor_desconto_valor",
            ),
            None,
            "Order discount in BRL: the amount typed, or the percentage of items_amount rounded to the "
            "cent; 0 if none",
        ),
        ("staging.stg_fakestore__quarantine", "source", (), "'fakestore'", "Source system"),
        (
            "staging.stg_fakestore__cart_lines",
            "line_number",
            (),
            "ROW_NUMBER() OVER (PARTITION BY cart_id ORDER BY product_id)",
            "1-based position of the line in its cart, ordered by product id",
        ),
    ],
)
def test_staging_column_maps_to_its_raw_fields(
    ctx: Any, model: str, column: str, sources: tuple[str, ...], derived: str | None, description: str
) -> None:
    expected = ColumnMap(model, column, sources, derived, description)
    assert column_map.column_map(ctx, model, column) == expected


def test_mart_column_maps_to_staging_columns(ctx: Any) -> None:
    sku = column_map.column_map(ctx, "marts.products", "sku")
    assert "staging.stg_tinyerp__products.sku" in sku.sources
    assert sku.derived is None


def test_page_has_every_staging_and_mart_model_under_its_source(ctx: Any, page: str) -> None:
    for layer in column_map.LAYERS:
        for model in column_map.models(ctx, layer):
            assert f"# {model.name}\n" in page
    assert "### raw_fakestore\n" in page and "### raw_tinyerp\n" in page
    assert "| product_id | `raw_fakestore.carts.products[].productId` | FakeStore product id |\n" in page


def test_loading_opens_no_warehouse(page: str) -> None:
    """project_context points the warehouse at a temporary file: rendering never creates it."""
    warehouse = Path(os.environ["COMMERCE_WAREHOUSE_PATH"])
    assert warehouse.name == "warehouse.duckdb" and not warehouse.exists()


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    """The CLI renders the module's already-loaded project instead of loading it again."""
    monkeypatch.setattr(column_map, "columns_markdown", lambda: page)


@pytest.mark.usefixtures("rendered")
def test_docs_check_passes_on_the_committed_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["docs", "--check"]) == 0, capsys.readouterr().err


@pytest.mark.usefixtures("rendered")
def test_docs_check_fails_on_an_edited_copy_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], page: str
) -> None:
    copy = tmp_path / "columns.md"
    shutil.copy(PAGE, copy)
    copy.write_text(copy.read_text().replace("FakeStore product id", "FakeStore product"))

    assert cli.main(["docs", "--output", str(copy), "--check"]) == 1
    assert capsys.readouterr().err == f"{copy} {STALE}\n"

    assert cli.main(["docs", "--output", str(copy)]) == 0
    assert cli.main(["docs", "--output", str(copy), "--check"]) == 0
    assert copy.read_text() == page
