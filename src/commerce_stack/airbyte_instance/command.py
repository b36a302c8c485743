"""Run the SDK environment's `commerce_airbyte` on the desired state: the JSON on its standard
input, the instance's settings in its environment (inherited), never on its command line; every
line it prints is masked here too, secrets in every form (`secret_forms`), before it is shown."""

from __future__ import annotations

import json
import subprocess
import sys

from commerce_stack.airbyte_instance import AirbyteInstanceError
from commerce_stack.airbyte_instance.desired import desired_state
from commerce_stack.paths import ROOT
from commerce_stack.secret_forms import SecretMask

PLATFORM_PYTHON = ROOT / "airbyte_platform" / ".venv" / "bin" / "python"
ERROR_PREFIX = "error: "


def secret_values(desired: dict) -> list[str]:
    return [
        str(item["configuration"][name])
        for kind in ("sources", "destinations")
        for item in desired[kind]
        for name in item["secret_fields"]
    ]


def run(command: str, *, overwrite: bool = False, connections: list[str] | None = None) -> int:
    """`plan` or `apply`; the child's exit status (0, 1 for a failure or drift left, 2 for a setting)."""
    desired = desired_state(connections)
    mask = SecretMask(secret_values(desired))
    if not PLATFORM_PYTHON.exists():
        raise AirbyteInstanceError(f"{PLATFORM_PYTHON} is missing: run `make setup`")
    process = subprocess.Popen(
        [str(PLATFORM_PYTHON), "-m", "commerce_airbyte", command, *(["--overwrite"] if overwrite else [])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one stream, in order; its error line goes to our stderr
        text=True,
        cwd=ROOT,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps(desired))
    process.stdin.close()
    for line in process.stdout:
        shown = mask.mask(line.rstrip("\n"))
        print(shown, file=sys.stderr if shown.startswith(ERROR_PREFIX) else sys.stdout, flush=True)
    return process.wait()
