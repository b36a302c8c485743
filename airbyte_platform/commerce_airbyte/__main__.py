"""Make an Airbyte instance match a desired state, through the `airbyte-api` SDK.

    python -m commerce_airbyte plan  < desired.json     # the plan only (apply --dry-run)
    python -m commerce_airbyte apply [--overwrite] < desired.json

The desired state (JSON on standard input) is what `commerce-stack airbyte` builds from
`airbyte_config/` (`commerce_stack.airbyte_instance.desired`); the instance is named by
AIRBYTE_API_URL, AIRBYTE_WORKSPACE_ID, AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET. Secrets arrive
only on standard input and in the environment, never on the command line. Output: the plan on
standard output; a failure as one line on standard error (`error: ...`), exit status 2 for a
setting to fix, 1 for anything else that stopped it (drift left in place included).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

import httpx

from commerce_airbyte.instance import CONFIG_ERROR, ApplyError, Instance, Settings
from commerce_airbyte.reconcile import SECRET, Reconciler, render


def _secret_values(desired: dict[str, Any]) -> list[str]:
    """Every secret setting's value: masked in whatever this process prints, even a server's
    message that quotes one (the parent masks their other forms too)."""
    values = []
    for kind in ("sources", "destinations"):
        for item in desired.get(kind, []):
            values += [
                str(item["configuration"][f]) for f in item["secret_fields"] if item["configuration"].get(f)
            ]
    return sorted(values, key=len, reverse=True)


def main(
    argv: list[str] | None = None,
    stdin: TextIO = sys.stdin,
    environ: Mapping[str, str] = os.environ,
    client: httpx.Client | None = None,
    say: Callable[[str], None] = print,
) -> int:
    parser = argparse.ArgumentParser(prog="commerce_airbyte", description=__doc__)
    parser.add_argument("command", choices=["plan", "apply"])
    parser.add_argument(
        "--overwrite", action="store_true", help="replace objects that differ from the declaration"
    )
    args = parser.parse_args(argv)
    secrets: list[str] = []

    def masked(text: str) -> str:
        for value in secrets:
            text = text.replace(value, SECRET)
        return text

    try:
        try:
            desired = json.load(stdin)
        except ValueError as error:
            raise ApplyError(
                f"the desired state on standard input is not JSON ({error})", CONFIG_ERROR
            ) from None
        secrets = _secret_values(desired)
        settings = Settings.from_environment(environ)
        reconciler = Reconciler(Instance(settings, client), desired, overwrite=args.overwrite)
        steps = reconciler.plan()
        say(f"Airbyte instance {settings.url}, workspace {settings.workspace_id}")
        for line in render(steps, args.overwrite):
            say(masked(line))
        if args.command == "plan":
            actions = [step.action for step in steps]
            say(
                f"plan: {actions.count('create')} to create, {actions.count('differs')} differ"
                f"{' (to replace)' if args.overwrite else ''}, "
                f"{actions.count('unchanged') + actions.count('found')} unchanged"
            )
            return 0
        counts = reconciler.apply(steps, lambda line: say(masked(line)))
        say("apply: " + ", ".join(f"{what} {n}" for what, n in counts.items()))
        drifted = [f"{s.kind} {s.name}" for s in steps if s.action == "differs" and not args.overwrite]
        if drifted:
            raise ApplyError(
                f"{len(drifted)} object(s) on the instance differ from airbyte_config/ and were left as "
                f"they are ({'; '.join(drifted)}): see the differences above; `commerce-stack airbyte "
                "apply --overwrite` replaces them with the declarations"
            )
        return 0
    except ApplyError as error:
        print(f"error: {masked(str(error))}", file=sys.stderr)
        return error.status


if __name__ == "__main__":
    sys.exit(main())
