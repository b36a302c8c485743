"""The quality gate against injected defects, end to end.

A promoted baseline warehouse is built once with the real pipeline. Defects then run on copies of
it: either model changes (a copy of the SQLMesh project with edits, no unit tests, as changes that
slipped past them) gated with `commerce-stack gate`, or bad data served by the FakeStore simulator
and synced by `commerce-stack run`. For each: the gate blocks (exit 1), prod's marts are
byte-for-byte unchanged, the stewards' report names the failure with samples and reproduce SQL,
and exactly one digest reaches a real SMTP server on 127.0.0.1.

The model defects are gated in three runs, not one each (the test budget): those the plan's
blocking audits must catch (a failing audit stops the plan before the checkpoint), a shrunken
table (it leaves orphan lines, which would hide the orphan-line defect's own row), and the rest.
Each defect's test finds its own failing check, and where another defect of its run could fail
the same check, its own row in the samples (`evidence`).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from support.pipeline_runs import Baseline, commerce_stack, copy_project, copy_workdir
from support.smtp import Inbox, smtp_server

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_stack.quality.gate import suite_files
from commerce_stack.warehouse import fingerprints


@dataclass(frozen=True)
class Defect:
    name: str
    model: str  # file under models/
    old: str
    new: str
    source: str  # great_expectations | sqlmesh_audit: who must catch it
    table: str  # the model whose check must fail
    clue: str  # a word of the failing check's name or description
    run: str = "checkpoint"  # the gate run it is injected in (the module's docstring)
    evidence: str | None = None  # a value only this defect puts in its check's samples


# The columns of marts.orders' `unioned` CTE, to duplicate one of its rows.
UNIONED_ORDERS = (
    "source, source_order_id, channel_name, sub_channel, customer_key, order_status, ordered_at,"
    " order_date, currency_code, items_amount, discount_amount, shipping_amount, tax_amount,"
    " other_charges_amount, order_total, refunded_amount, fx_base_currency, fx_base_rate, extracted_at"
)

DEFECTS = [
    Defect(
        "duplicate key", "marts/orders.sql",
        "  FROM unioned\n",
        f"  FROM (\n    SELECT {UNIONED_ORDERS} FROM unioned\n    UNION ALL\n"
        f"    SELECT {UNIONED_ORDERS} FROM unioned WHERE source_order_id = '1'\n  ) AS unioned\n",
        "sqlmesh_audit", "marts.orders", "unique_values", run="audits",
    ),
    Defect(
        "orphan order line", "marts/order_lines.sql",
        "FROM unioned\n",
        "FROM unioned\nUNION ALL\nSELECT 'fakestore:999999:1', 'fakestore:999999', 'fakestore', '999999', 1,"
        " 'fakestore:1', 1, CAST(1 AS NUMERIC), CAST(1 AS NUMERIC), CAST(0 AS NUMERIC), CAST(0 AS NUMERIC),"
        " 'USD', DATE '2020-01-01'",
        "great_expectations", "marts.order_lines", "not in marts.orders", evidence="fakestore:999999",
    ),
    Defect(
        "negative quantity", "staging/stg_fakestore__cart_lines.sql",
        "quantity::INT64 AS quantity", "-quantity::INT64 AS quantity",
        "great_expectations", "marts.order_lines", "quantity of zero or less",
    ),
    Defect(
        "total differs from the sum of lines", "marts/orders.sql",
        # FakeStore's (thelook's total is the same expression, followed by its refund's CASE)
        "COALESCE(line_totals.items_amount, 0) AS order_total,\n    0 AS refunded_amount,",
        "COALESCE(line_totals.items_amount, 0) + 1 AS order_total,\n    0 AS refunded_amount,",
        "sqlmesh_audit", "marts.orders", "assert_order_total_equals_sum_of_lines", run="audits",
    ),
    Defect(
        "unknown status", "marts/orders.sql",
        "'placed' AS order_status", "'teleported' AS order_status",
        "great_expectations", "marts.orders", "status outside the conformed set", evidence="teleported",
    ),
    Defect(
        "stale data", "marts/orders.sql",
        "extracted_at::TIMESTAMP AS loaded_at", "TIMESTAMP '2020-01-01 00:00:00' AS loaded_at",
        "great_expectations", "marts.orders", "freshness",
    ),
    Defect(
        "row-count drop", "marts/orders.sql",
        "FROM totals", "FROM totals\nWHERE MOD(SAFE_CAST(source_order_id AS INT64), 2) = 0",  # GUIDs too
        "great_expectations", "marts.orders", "fell below", run="volume",
    ),
]  # fmt: skip


# A staging change that drops a record (a filter): staged + quarantined no longer equals the keys
# landed in raw, and the reconciliation blocks, naming the lost key.
LOST = Defect(
    "lost record", "staging/stg_fakestore__users.sql",
    "\nFROM renamed", "\nFROM renamed\nWHERE user_id <> 3",
    "reconcile", "raw_fakestore.users", "lost",
)  # fmt: skip


@pytest.fixture
def inbox():
    with smtp_server() as (messages, port):
        yield (
            messages,
            {
                "DQ_SMTP_HOST": "127.0.0.1",
                "DQ_SMTP_PORT": str(port),
                "DQ_ALERT_RECIPIENTS": "steward@example.com",
            },
        )


@pytest.fixture
def workdir(baseline: Baseline, tmp_path) -> Path:
    """A copy of the baseline: warehouse, promotion record and history, nothing else shared."""
    assert baseline.run.returncode == 0, baseline.run.output
    return copy_workdir(baseline.workdir, tmp_path / "run")


def _project_with(defects: list[Defect], into: Path) -> Path:
    copy_project(into, with_unit_tests=False)  # changes that slipped past the unit tests
    for defect in defects:
        model = into / "models" / defect.model
        text = model.read_text()
        assert text.count(defect.old) == 1, f"{defect.model} no longer contains {defect.old!r} exactly once"
        model.write_text(text.replace(defect.old, defect.new))
    return into


@dataclass
class Gated:
    workdir: Path
    completed: subprocess.CompletedProcess[str]
    messages: Inbox


@pytest.fixture(scope="module")
def gated(baseline: Baseline, tmp_path_factory) -> Callable[[str], Gated]:
    """`commerce-stack gate` on a copy of the baseline with the defects of one run, once per run."""
    runs: dict[str, Gated] = {}

    def gate(run: str) -> Gated:
        if run not in runs:
            assert baseline.run.returncode == 0, baseline.run.output
            root = tmp_path_factory.mktemp(f"defects-{run}")
            workdir = copy_workdir(baseline.workdir, root / "run")
            defects = [d for d in [*DEFECTS, LOST] if d.run == run]
            with smtp_server() as (messages, port):
                env = {
                    "COMMERCE_WAREHOUSE_PATH": str(workdir / "warehouse.duckdb"),
                    "COMMERCE_PROJECT_DIR": str(_project_with(defects, root / "project")),
                    "DQ_SMTP_HOST": "127.0.0.1",
                    "DQ_SMTP_PORT": str(port),
                    "DQ_ALERT_RECIPIENTS": "steward@example.com",
                }
                runs[run] = Gated(workdir, commerce_stack("gate", env=env), messages)
        return runs[run]

    return gate


def _report(workdir: Path) -> dict[str, Any]:
    return json.loads((workdir / "report" / "report.json").read_text())


def _assert_blocked_and_reported(
    workdir, baseline, completed, messages: Inbox, *, source, table, clue
) -> dict[str, Any]:
    assert completed.returncode == 1, completed.stdout
    assert fingerprints("marts", workdir / "warehouse.duckdb") == fingerprints(
        "marts", baseline.pipeline.warehouse
    )
    report = _report(workdir)
    assert report["latest_run"]["status"] == "blocked"
    matching = [
        c
        for c in report["blocking_failures"]
        if c["check_source"] == source
        and c["table_name"] == table
        and clue in f"{c['check_name']} {c['description']}"
    ]
    assert matching, [
        (c["check_name"], c["table_name"], c["description"]) for c in report["blocking_failures"]
    ]
    check = matching[0]
    assert check["reproduce_sql"], check
    assert check["samples"], check  # failing rows (or the offending aggregate) kept as evidence
    assert len(check["samples"]) <= 20
    html = (workdir / "report" / "index.html").read_text()
    assert check["check_name"] in html or check["description"] in html
    assert len(messages.envelopes) == 1
    mail = messages.messages()[0]
    assert mail["Subject"].startswith("[DQ] BLOCKED")
    assert table in mail.get_body(preferencelist=("plain",)).get_content()
    return check


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.name for d in DEFECTS])
def test_a_model_defect_is_blocked_reported_and_mailed(defect, baseline, gated):
    run = gated(defect.run)
    check = _assert_blocked_and_reported(
        run.workdir, baseline, run.completed, run.messages,
        source=defect.source, table=defect.table, clue=defect.clue,
    )  # fmt: skip
    # a project that differs from every tested one: SQLMesh's unit tests ran (the copy has none)
    assert "plan environment 'candidate' (unit tests, backfill" in run.completed.stdout
    if defect.evidence:
        assert any(defect.evidence in json.dumps(row) for row in check["samples"]), check["samples"]


def test_a_record_lost_between_raw_and_staging_blocks_and_names_the_key(baseline, gated):
    run = gated(LOST.run)
    check = _assert_blocked_and_reported(
        run.workdir, baseline, run.completed, run.messages,
        source=LOST.source, table=LOST.table, clue=LOST.clue,
    )  # fmt: skip
    assert check["samples"] == [{"problem": "landed, neither staged nor quarantined", "user_id": "3"}]
    assert check["observed_value"] == "keys 10, staged 9, quarantined 0"  # `gate` syncs nothing
    with duckdb.connect(str(run.workdir / "warehouse.duckdb"), read_only=True) as con:
        counted = con.execute(
            "SELECT connection, stream, keys_landed, staged, status FROM dq.stream_counts "
            "WHERE run_id = (SELECT max(run_id) FROM dq.gate_runs) AND status <> 'ok' ORDER BY 1, 2"
        ).fetchall()
    assert counted == [
        ("fakestore", "users", 10, 9, "mismatch"),
        ("tinyerp", "invoices", 256, None, "not-staged"),
    ]


def _sync_run(workdir: Path, sim: FakeStoreSimulator, inbox) -> subprocess.CompletedProcess[str]:
    env = {
        "COMMERCE_WAREHOUSE_PATH": str(workdir / "warehouse.duckdb"),
        "FAKESTORE_BASE_URL": sim.url,
        **inbox[1],
    }
    # FakeStore from `sim`; TinyERP's load stays the baseline's (its sync is not what is tested)
    return commerce_stack("run", "--connection", "fakestore", env=env)


def test_a_bad_record_from_the_source_is_blocked_and_prod_keeps_the_last_good_data(baseline, workdir, inbox):
    with FakeStoreSimulator(seed=42, profile="reference") as sim:
        sim.upsert_record(
            "carts",
            {"id": 8, "userId": 1, "date": "2020-03-03T00:00:00.000Z",
             "products": [{"productId": 1, "quantity": -3}], "__v": 0},
        )  # fmt: skip
        completed = _sync_run(workdir, sim, inbox)
    _assert_blocked_and_reported(
        workdir, baseline, completed, inbox[0],
        source="great_expectations", table="marts.order_lines", clue="quantity of zero or less",
    )  # fmt: skip
    assert "raw_fakestore.carts" in completed.stdout  # it was synced, then refused
    # only FakeStore changed: its staging suites and those of the marts it feeds went through Great
    # Expectations; TinyERP's and Linnworks' staging tables, the channels, locations and exchange
    # rates (prod's own, already validated) had their freshness checked
    summary = json.loads(max((workdir / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime).read_text())
    suites = suite_files()
    not_fed_by_fakestore = {
        "marts.channels",
        "marts.exchange_rates",
        "marts.locations",
        "marts.fct_inventory_movements",
    }
    assert summary["validated_suites"] == sorted(
        name
        for name in suites
        if name.startswith(("marts.", "staging.stg_fakestore__")) and name not in not_fed_by_fakestore
    )
    fresh_only = [
        c for c in _report(workdir)["tables"] if c["table_name"].startswith("staging.stg_tinyerp__")
    ]
    assert fresh_only and all(t["validated_in_run"] == baseline.run.summary["run_id"] for t in fresh_only)


def test_a_warning_and_an_untypable_record_promote_are_reported_and_nothing_is_lost(baseline, workdir, inbox):
    """One FakeStore run, two defects that do not block (one run for both: the test budget): a user
    whose e-mail fails a warning check, and a cart with a field that changed type (quantity "abc")
    and a field the API never had (couponCode)."""
    messages, _ = inbox
    with FakeStoreSimulator(seed=42, profile="reference") as sim:
        sim.upsert_record(
            "users",
            {"address": {"geolocation": {"lat": "10.0", "long": "20.0"}, "city": "x", "street": "y",
                         "number": 1, "zipcode": "1"},
             "id": 11, "email": "not-an-email", "username": "u11", "password": "p",
             "name": {"firstname": "a", "lastname": "b"}, "phone": "1", "__v": 0},
        )  # fmt: skip
        sim.upsert_record(
            "carts",
            {"id": 8, "userId": 1, "date": "2020-03-03T00:00:00.000Z", "couponCode": "SPRING",
             "products": [{"productId": 1, "quantity": "abc"}, {"productId": 2, "quantity": 1}], "__v": 0},
        )  # fmt: skip
        completed = _sync_run(workdir, sim, inbox)
    assert completed.returncode == 0, completed.stdout
    report = _report(workdir)
    assert report["latest_run"]["status"] == "promoted"
    assert report["blocking_failures"] == []
    warned = [
        c for c in report["warnings"] if c["table_name"] == "marts.customers" and "email" in c["description"]
    ]
    assert warned and warned[0]["samples"], report["warnings"]
    assert any("not-an-email" in json.dumps(row) for row in warned[0]["samples"])
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        promoted = con.execute("SELECT count(*) FROM marts.customers WHERE source = 'fakestore'").fetchone()
    assert promoted == (11,)  # the warned-about user is in prod
    assert len(messages.envelopes) == 1
    # the unknown field is not a column of raw (the catalog's schema decides them): nothing breaks
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        raw_columns = {c.lower() for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'raw_fakestore' AND table_name = 'carts'"
        ).fetchall()}  # fmt: skip
    assert "couponcode" not in raw_columns and {"id", "userid", "products"} <= raw_columns
    assert "quarantined 1 new record(s)" in completed.stdout
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        kept = con.execute(
            "SELECT source, stream, record_id, reason, CAST(record AS VARCHAR) FROM dq.quarantine"
        ).fetchall()
        lines = con.execute(
            "SELECT product_key, quantity FROM marts.order_lines WHERE order_key = 'fakestore:8'"
        ).fetchall()
    assert kept == [
        ("fakestore", "carts.products", "8", "quantity is not an integer", '{"productId":1,"quantity":"abc"}')
    ]
    assert lines == [("fakestore:2", 1)]  # the typed line is promoted, the other one waits in quarantine
    # nothing is lost on the way: cart 8's two lines are keys in raw, one staged, one quarantined
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        counted = dict(
            con.execute(
                "SELECT stream, [emitted, landed, keys_landed, staged, quarantined] FROM dq.stream_counts "
                "WHERE run_id = (SELECT max(run_id) FROM dq.gate_runs) AND connection = 'fakestore'"
            ).fetchall()
        )
    assert counted.pop("carts.products") == [None, None, 14 + 2, 14 + 1, 1]
    assert counted.pop("products") == [20, 20, 20, 20, 0]  # read in full again, appended
    assert counted.pop("users") == [11, 11, 11, 11, 0]  # user 11 is new
    # the carts from the saved state minus the connector's 3-day lookback (the 5 dated from 2020-02-28
    # on, test_end_to_end.FIRST_WINDOW_AFTER_LOOKBACK) and cart 8
    assert counted.pop("carts") == [6, 6, 8, 8, 0]
    assert counted == {}
    report = _report(workdir)
    assert report["quarantine"]["total"] == 1
    assert "quantity is not an integer" in (workdir / "report" / "index.html").read_text()
