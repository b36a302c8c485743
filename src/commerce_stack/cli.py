"""`commerce-stack`: the pipeline's command line (the Makefile calls it).

commerce-stack run [--profile large] [--new-carts N] [--tinyerp-advance N] [--linnworks-advance H]
                   [--thelook-scale S] [--thelook-days N] [--no-simulator]
commerce-stack gate                      plan the candidate env, gate it, promote it
commerce-stack loads                     print each source's pinned high-water mark
commerce-stack sqlmesh <args...>         the sqlmesh CLI with the loads pinned
commerce-stack docs [--output PATH] [--check]   write (or check) docs/columns.md from the models
commerce-stack export (--mart NAME ... | --all) --to PATH|s3://bucket/prefix|md:database
                      [--format parquet|csv]      the promoted marts, recorded in dq.exports
commerce-stack airbyte plan | apply [--dry-run] [--overwrite] [--connection NAME]
                                         make an Airbyte instance match airbyte_config/
"""

from __future__ import annotations

import argparse
import os
import sys

from commerce_stack.sources.thelook.catalog import DEFAULT_SCALE


def _run(args: argparse.Namespace) -> int:
    from commerce_stack.pipeline.local_apis import LocalApis
    from commerce_stack.pipeline.lock import run_lock
    from commerce_stack.pipeline.run import TheLook, run
    from commerce_stack.pipeline.summary import print_summary

    apis = LocalApis(
        args.profile,
        args.seed,
        args.new_carts,
        args.tinyerp_orders,
        args.tinyerp_advance,
        args.linnworks_orders,
        args.linnworks_advance,
    )
    with run_lock():
        summary = run(
            apis,
            use_simulator=not args.no_simulator,
            connections=args.connection,
            thelook=TheLook(args.thelook_scale, args.thelook_days),
        )
    print_summary(summary)
    return 0 if summary.succeeded else 1


def _gate(args: argparse.Namespace) -> int:
    from commerce_stack.pipeline.lock import run_lock
    from commerce_stack.pipeline.run import run
    from commerce_stack.pipeline.summary import print_summary

    with run_lock():
        summary = run(sync_first=False, environment=args.environment)
    print_summary(summary)
    return 0 if summary.succeeded else 1


def _report(_: argparse.Namespace) -> int:
    from commerce_stack.pipeline.publish import publish_report
    from commerce_stack.pipeline.summary import RunSummary
    from commerce_stack.warehouse import label

    summary = RunSummary(run_id="report", warehouse=label())
    publish_report(summary)
    if summary.report is None:
        print(f"no warehouse at {summary.warehouse}: run the pipeline first", file=sys.stderr)
        return 1
    print(summary.report)
    print("digest sent" if summary.digest_sent else "no digest sent (clean run, or DQ_SMTP_HOST unset)")
    return 0


def _loads(_: argparse.Namespace) -> int:
    from commerce_stack.transform.loads import current_loads

    for load in current_loads():
        print(f"{load.env_var}={load.loaded_through}")
    return 0


def _sqlmesh(args: argparse.Namespace) -> int:
    """Analysts plan against the loads prod serves, so a model change shows as exactly that
    change and its downstream models, not as every model re-reading newer raw data."""
    from commerce_stack.paths import project_dir
    from commerce_stack.transform.loads import current_loads
    from commerce_stack.transform.project import pin_loads
    from commerce_stack.transform.promotion import promoted_loads

    loads = promoted_loads() or current_loads()
    pin_loads(loads)
    for load in loads:
        print(f"pinned {load.variable} = {load.loaded_through}", file=sys.stderr)
    os.chdir(project_dir())
    from sqlmesh.cli.main import cli

    return cli.main(args=args.sqlmesh_args, prog_name="sqlmesh", standalone_mode=True)


def _docs(args: argparse.Namespace) -> int:
    from pathlib import Path

    from commerce_stack.paths import project_dir
    from commerce_stack.transform.column_map import columns_markdown

    output = Path(args.output) if args.output else project_dir() / "docs" / "columns.md"
    text = columns_markdown()
    if args.check:
        if not output.is_file() or output.read_text(encoding="utf-8") != text:
            print(f"{output} differs from the models: run `make docs` and commit it", file=sys.stderr)
            return 1
        return 0
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from commerce_stack.export import export

    done = export(None if args.all else args.mart, args.to, args.format)
    version = done.version
    print(
        f"export {done.export_id}: {len(done.marts)} mart(s) to {done.target} as {done.format}, "
        f"promoted by gate run {version.gate_run_id} (prod plan {version.prod_plan}); "
        f"recorded in dq.exports" + (f", manifest {done.manifest}" if done.manifest else "")
    )
    return 0


def _airbyte(args: argparse.Namespace) -> int:
    from commerce_stack.airbyte_instance.command import run

    command = "plan" if args.action == "plan" or args.dry_run else "apply"
    return run(command, overwrite=args.overwrite, connections=args.connection)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="commerce-stack", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="simulator -> sync -> plan -> gate -> promote -> summary")
    run.add_argument("--profile", default="reference", help="simulator data set: reference | large")
    run.add_argument("--seed", type=int, default=42)
    run.add_argument("--new-carts", type=int, default=0, help="carts the simulator adds after its data set")
    run.add_argument("--tinyerp-orders", type=int, help="orders in the TinyERP simulator (default 300)")
    run.add_argument(
        "--tinyerp-advance",
        type=int,
        default=0,
        metavar="N",
        help="N TinyERP orders move one step (e.g. paid -> shipped) and N // 2 new ones arrive",
    )
    run.add_argument(
        "--linnworks-orders", type=int, help="processed orders in the Linnworks simulator (default 200)"
    )
    run.add_argument(
        "--linnworks-advance",
        type=float,
        default=0,
        metavar="HOURS",
        help="the Linnworks simulator's clock moves on: new processed orders, stock moves",
    )
    run.add_argument(
        "--thelook-scale",
        type=float,
        default=DEFAULT_SCALE,
        metavar="S",
        help=f"thelook's size relative to the public set (1.0: ~100k orders; default {DEFAULT_SCALE})",
    )
    run.add_argument(
        "--thelook-days",
        type=int,
        metavar="N",
        help="days thelook's generator adds at most (default: 60, then every day ended since)",
    )
    run.add_argument(
        "--connection",
        action="append",
        metavar="NAME",
        help="sync only this connection of airbyte_config/connections, or `thelook` for its generator"
        " (repeatable; default: all active and thelook)",
    )
    run.add_argument(
        "--no-simulator",
        action="store_true",
        help="sync the APIs configured in the environment (e.g. FAKESTORE_BASE_URL)",
    )
    run.set_defaults(handler=_run)

    gate = commands.add_parser("gate", help="plan an environment from the current raw data, gate, promote")
    gate.add_argument("--environment", default="candidate")
    gate.set_defaults(handler=_gate)

    commands.add_parser(
        "report", help="write the stewards' report; mail the digest if configured"
    ).set_defaults(handler=_report)
    commands.add_parser("loads", help="print the pinned loads").set_defaults(handler=_loads)

    sqlmesh = commands.add_parser("sqlmesh", help="run the sqlmesh CLI with the loads pinned")
    sqlmesh.add_argument("sqlmesh_args", nargs=argparse.REMAINDER)
    sqlmesh.set_defaults(handler=_sqlmesh)

    docs = commands.add_parser("docs", help="write docs/columns.md: each model column's raw fields")
    docs.add_argument("--output", metavar="PATH", help="default: docs/columns.md")
    docs.add_argument("--check", action="store_true", help="exit 1 if PATH differs from the models")
    docs.set_defaults(handler=_docs)

    exporting = commands.add_parser(
        "export", help="write promoted marts as Parquet or CSV to a folder or bucket, or to MotherDuck"
    )
    chosen = exporting.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--mart", action="append", metavar="NAME", help="a mart, e.g. orders (repeatable)")
    chosen.add_argument("--all", action="store_true", help="every mart prod serves")
    exporting.add_argument(
        "--to",
        required=True,
        metavar="TARGET",
        help="a folder, s3://bucket/prefix (AWS_* variables) or md:database (MOTHERDUCK_TOKEN)",
    )
    exporting.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    exporting.set_defaults(handler=_export)

    airbyte = commands.add_parser(
        "airbyte",
        help="make an Airbyte instance match airbyte_config/ (AIRBYTE_API_URL, AIRBYTE_WORKSPACE_ID, ...)",
    )
    airbyte.add_argument("action", choices=["plan", "apply"], help="plan: print the differences only")
    airbyte.add_argument("--dry-run", action="store_true", help="apply: print the plan, change nothing")
    airbyte.add_argument(
        "--overwrite", action="store_true", help="replace objects that differ on the instance (drift) too"
    )
    airbyte.add_argument(
        "--connection", action="append", metavar="NAME", help="only this connection (repeatable)"
    )
    airbyte.set_defaults(handler=_airbyte)

    args = parser.parse_args(argv)
    from commerce_stack.errors import explain

    try:
        return args.handler(args)
    except Exception as error:  # bad configuration, a busy or broken warehouse file: one line
        explained = explain(error)
        if explained is None:
            raise  # a bug: its traceback is what helps
        line, status = explained
        print(f"error: {line}", file=sys.stderr)
        return status


if __name__ == "__main__":
    sys.exit(main())
