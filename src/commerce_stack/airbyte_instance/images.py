"""`make connector-images`: build the image of every connector an Airbyte instance runs as a custom
Docker definition (`connector.instance_definition: custom_docker`), then smoke-test it as the
instance would run it: `spec`, then `check` and `read` inside the container against the connector's
local simulator (on the host's network). Opt-in, never part of `make test`: it needs a container
engine (docker or podman) that answers and the connector's base image, and otherwise prints one
line saying which is missing and exits 0.

    .venv/bin/python -m commerce_stack.airbyte_instance.images [--check-requirements | --write-requirements]

`--check-requirements` (part of `make lint`) only compares each image's requirements.txt with its
lock; `--write-requirements` (`make connector-requirements`) exports it again.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from commerce_simulators.launch import launch
from commerce_stack.airbyte_config import SourceConfig, connection_names, load_connection
from commerce_stack.paths import ROOT

UV = ROOT / ".tools" / "bin" / "uv"
ENGINES = ("docker", "podman")
SIMULATOR_TOKEN = "sim-token"  # the TinyERP simulator's own default token: nothing secret
_BASE_IMAGE = re.compile(r"^ARG BASE_IMAGE=(\S+)", re.MULTILINE)


class Skipped(Exception):
    """Nothing can be built here; the message says why."""


def _run(*command: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def exported_requirements(connector: Path) -> str:
    """The connector's locked packages as pip installs them in its image (with hashes)."""
    done = _run(
        str(UV), "export", "--project", str(connector), "--locked", "--no-dev", "--no-emit-project",
        "--no-header", "--format", "requirements.txt", "--quiet", timeout=120,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"uv export failed for {connector}: {done.stderr.strip()}")
    return done.stdout


def engine() -> str:
    """The first container engine that answers, or Skipped with each one's reason."""
    reasons = []
    for name in ENGINES:
        if shutil.which(name) is None:
            reasons.append(f"{name}: not installed")
            continue
        done = _run(name, "info", timeout=30)
        if done.returncode == 0:
            return name
        last = (done.stderr.strip().splitlines() or ["no answer"])[-1]
        reasons.append(f"{name}: {last}")
    raise Skipped(f"no container engine answers ({'; '.join(reasons)})")


def base_image(engine_name: str, dockerfile: Path) -> str:
    found = _BASE_IMAGE.search(dockerfile.read_text())
    if found is None:
        raise SystemExit(f"{dockerfile}: no `ARG BASE_IMAGE=<image>` line")
    image = found.group(1)
    if _run(engine_name, "image", "inspect", image, timeout=60).returncode != 0:
        pulled = _run(engine_name, "pull", image)
        if pulled.returncode != 0:
            last = (pulled.stderr.strip().splitlines() or ["no answer"])[-1]
            raise Skipped(f"the base image {image} is not here and cannot be pulled ({last})")
    return image


def _messages(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def smoke_test(engine_name: str, image: str, source: SourceConfig) -> str:
    """spec, check and read in the container; a one-line summary, or SystemExit naming the step."""
    spec = _messages(_run(engine_name, "run", "--rm", image, "spec").stdout)
    if not any(m["type"] == "SPEC" for m in spec):
        raise SystemExit(f"{image}: `spec` printed no SPEC message")
    catalog = source.local_path / "integration_tests" / "configured_catalog.json"
    with launch("tinyerp", "--requests-per-minute", "100000") as url, tempfile.TemporaryDirectory() as folder:
        config = {
            "api_token": SIMULATOR_TOKEN,
            "start_date": "2025-10-01",
            "base_url": url,
            "window_days": 30,
        }
        Path(folder, "config.json").write_text(json.dumps(config))
        shutil.copy(catalog, Path(folder, "catalog.json"))
        run = [engine_name, "run", "--rm", "--network", "host", "-v", f"{folder}:/data:ro", image]
        checked = _messages(_run(*run, "check", "--config", "/data/config.json").stdout)
        status = [m["connectionStatus"]["status"] for m in checked if m["type"] == "CONNECTION_STATUS"]
        if status != ["SUCCEEDED"]:
            raise SystemExit(
                f"{image}: `check` against the simulator did not succeed ({status or 'no status'})"
            )
        read = _messages(
            _run(*run, "read", "--config", "/data/config.json", "--catalog", "/data/catalog.json").stdout
        )
    records = Counter(m["record"]["stream"] for m in read if m["type"] == "RECORD")
    wanted = {s["stream"]["name"] for s in json.loads(catalog.read_text())["streams"]}
    if set(records) != wanted:
        raise SystemExit(
            f"{image}: `read` brought records of {sorted(records)}, not of every stream {sorted(wanted)}"
        )
    return f"{image}: spec, check and read passed ({dict(records)})"


def custom_images() -> list[SourceConfig]:
    sources = {c.source.name: c.source for c in map(load_connection, connection_names())}
    return [sources[name] for name in sorted(sources) if sources[name].instance_definition == "custom_docker"]


def requirements_current(write: bool = False) -> bool:
    """Each image's requirements.txt is its uv.lock's export (`write`: make it so), and its
    Dockerfile builds on the base image its metadata.yaml declares."""
    current = True
    for source in custom_images():
        declared = yaml.safe_load((source.local_path / "metadata.yaml").read_text())["data"]
        base = declared["connectorBuildOptions"]["baseImage"]
        found = _BASE_IMAGE.search((source.local_path / "Dockerfile").read_text())
        if found is None or found.group(1) != base:
            where = source.local_path.relative_to(ROOT)
            print(f"{where}/Dockerfile: BASE_IMAGE is not {base} (metadata.yaml)", file=sys.stderr)
            current = False
        requirements, exported = (
            source.local_path / "requirements.txt",
            exported_requirements(source.local_path),
        )
        if write:
            requirements.write_text(exported)
        elif not requirements.is_file() or requirements.read_text() != exported:
            shown = requirements.relative_to(ROOT)
            print(f"{shown} differs from its uv.lock: run `make connector-requirements`", file=sys.stderr)
            current = False
    return current


def main(argv: list[str]) -> int:
    if argv in (["--check-requirements"], ["--write-requirements"]):
        return 0 if requirements_current(write=argv == ["--write-requirements"]) else 1
    if not requirements_current():
        return 1
    for source in custom_images():
        dockerfile = source.local_path / "Dockerfile"
        try:
            engine_name = engine()
            base_image(engine_name, dockerfile)
        except Skipped as skipped:
            print(f"connector images: skipped: {skipped}")
            return 0
        assert source.docker_image is not None
        built = _run(engine_name, "build", "-t", source.docker_image, str(source.local_path), timeout=1800)
        if built.returncode != 0:
            print(built.stdout[-3000:] + built.stderr[-3000:], file=sys.stderr)
            print(f"{source.docker_image}: the build failed (above)", file=sys.stderr)
            return 1
        print(smoke_test(engine_name, source.docker_image, source))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
