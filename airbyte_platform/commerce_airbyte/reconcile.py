"""The desired state against the instance: a plan (one step per object), then its application.

Objects are matched by name (definitions: declarative ones by name, Docker ones by repository).
A missing object is created. An existing one that differs from the declaration is shown field by
field and replaced only with `overwrite`: without a record of the last apply, a difference may be a
change made in Airbyte's UI as well as a changed file, and the person applying decides
(docs/airbyte_instance.md §4). Every request body is built from the SDK's models while planning, so
a body the API would refuse stops the plan before anything is written. Secret settings are shown
as `***` and never compared: the instance returns them masked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from airbyte_api import models
from pydantic import BaseModel, ValidationError

from commerce_airbyte.instance import CONFIG_ERROR, ApplyError, Instance

SECRET = "***"
# differences the API cannot change in place: shown, and --overwrite stops on them
MOVED_SOURCE = "a source cannot change definition: delete it in the UI, then apply"
MOVED_CONNECTION = "a connection cannot move: delete it in the UI, then apply"
UTC_SUFFIX = " UTC"  # the API reads every cron back as "<cron> UTC"
PENDING = "(created by this apply)"
DESTINATION_MODELS: dict[str, type[BaseModel]] = {"bigquery": models.DestinationBigquery}
_SYMBOLS = {"create": "+", "differs": "~", "unchanged": "=", "found": "="}


@dataclass
class Step:
    kind: str  # source definition | source | destination | connection
    name: str
    action: str  # create | differs | unchanged | found
    lines: list[str] = field(default_factory=list)  # what is created, or each difference
    notes: list[str] = field(default_factory=list)  # shown whatever the action (e.g. a UTC conversion)
    write: Callable[[], str] | None = None  # creates or replaces the object, returns its id
    key: tuple[str, str] = ("", "")  # where its id is kept for the steps after it

    def header(self, overwrite: bool) -> str:
        outcome = {
            "create": "create",
            "unchanged": "unchanged",
            "found": "found on the instance",
            "differs": "differs from airbyte_config/: "
            + ("replaced by the declaration" if overwrite else "left as it is (--overwrite replaces it)"),
        }[self.action]
        return f"{_SYMBOLS[self.action]} {self.kind} {self.name}: {outcome}"


def _shown(value: Any) -> str:
    if value is None:
        return "(unset)"
    return value if isinstance(value, str) else json.dumps(value)


def _settings_lines(configuration: dict[str, Any], secrets: list[str]) -> list[str]:
    return [f"{key}: {SECRET if key in secrets else _shown(value)}" for key, value in configuration.items()]


def _differences(sent: dict[str, Any], found: dict[str, Any], secrets: list[str]) -> list[str]:
    """Each setting whose value on the instance is not the one sent; secrets only when missing."""
    lines = []
    for key, value in sent.items():
        if key in secrets:
            if key not in found:
                lines.append(f"{key}: instance (unset) -> declared {SECRET}")
        elif found.get(key) != value:
            lines.append(f"{key}: instance {_shown(found.get(key))} -> declared {_shown(value)}")
    for key in sorted(set(found) - set(sent) - set(secrets)):
        lines.append(f"{key}: instance {_shown(found[key])} -> declared (not set)")
    return lines


def _one(found: list[dict[str, Any]], what: str) -> dict[str, Any] | None:
    if len(found) > 1:
        raise ApplyError(
            f"{what}: the workspace has {len(found)} of them: delete or rename all but one in the UI"
        )
    return found[0] if found else None


def _model(model: type[BaseModel], body: dict[str, Any], where: str) -> Any:
    """The SDK's request model for `body`: what the API would refuse is refused here, before any
    request, naming the file and the field (never the value: it may be a secret)."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        first = error.errors(include_input=False)[0]
        place = ".".join(str(part) for part in first["loc"])
        raise ApplyError(f"{where}: {place}: {first['msg'][:160]}", CONFIG_ERROR) from None


class Reconciler:
    def __init__(self, instance: Instance, desired: dict[str, Any], overwrite: bool = False) -> None:
        self.instance, self.desired, self.overwrite = instance, desired, overwrite
        self.ids: dict[tuple[str, str], str | None] = {}  # ("source", name) -> id; None: not yet created

    # planning ------------------------------------------------------------------------------------

    def plan(self) -> list[Step]:
        instance = self.instance
        self.declarative, self.images = instance.declarative_definitions(), instance.source_definitions()
        self.sources, self.destinations = instance.sources(), instance.destinations()
        self.connections = instance.connections()
        definitions: dict[tuple[str, str], Step] = {}  # one step per definition, however many use it
        for source in self.desired["sources"]:
            key = _definition_key(source)
            if key not in definitions:
                definitions[key] = self._definition(source)
            self.ids[("definition of", source["name"])] = self.ids[key]
        steps = list(definitions.values())
        steps += [self._source(source) for source in self.desired["sources"]]
        steps += [self._destination(destination) for destination in self.desired["destinations"]]
        steps += [self._connection(connection) for connection in self.desired["connections"]]
        return steps

    def _keep(self, step: Step, found_id: str | None) -> Step:
        self.ids[step.key] = found_id
        return step

    def _definition(self, source: dict[str, Any]) -> Step:
        definition = source["definition"]
        kind = definition["kind"]
        if kind == "declarative":
            return self._declarative(definition)
        repository, tag = definition["docker_repository"], definition["docker_image_tag"]
        found = _one(
            [d for d in self.images if d["dockerRepository"] == repository], f"source definition {repository}"
        )
        if kind == "stock":
            if found is None:
                raise ApplyError(
                    f"source {source['name']}: the instance has no source definition of {repository}, the "
                    "stock connector it uses: add that connector to the instance (Settings > Sources)"
                )
            step = Step(
                "source definition",
                f"{found['name']} ({repository}, stock)",
                "found",
                key=("image", repository),
            )
            if found["dockerImageTag"] != tag:
                step.notes.append(
                    f"the instance runs {found['dockerImageTag']}; the local runner tests {tag}"
                )
            return self._keep(step, found["id"])
        name = definition["name"]
        step = Step(
            "source definition",
            f"{name} ({repository}, custom Docker image)",
            "create",
            key=("image", repository),
        )
        if found is None:
            body = _model(
                models.CreateDefinitionRequest,
                {
                    "name": name,
                    "dockerRepository": repository,
                    "dockerImageTag": tag,
                    "documentationUrl": definition.get("documentation_url"),
                },
                f"sources/{source['name']}.yaml: connector",
            )
            step.lines = [f"image: {repository}:{tag}"]
            step.write = lambda: self.instance.create_source_definition(body)
            return self._keep(step, None)
        update = models.UpdateDefinitionRequest(name=name, docker_image_tag=tag)
        step.lines = _differences(
            {"name": name, "dockerImageTag": tag}, {k: found[k] for k in ("name", "dockerImageTag")}, []
        )
        step.action = "differs" if step.lines else "unchanged"
        step.write = (
            (lambda: self.instance.update_source_definition(found["id"], update)) if step.lines else None
        )
        return self._keep(step, found["id"])

    def _declarative(self, definition: dict[str, Any]) -> Step:
        name, manifest = definition["name"], definition["manifest"]
        found = _one(
            [d for d in self.declarative if d["name"] == name], f"declarative source definition {name}"
        )
        step = Step("source definition", f"{name} (declarative manifest)", "create", key=("manifest", name))
        if found is None:
            step.lines = [
                f"manifest: CDK {manifest.get('version')}, {len(manifest.get('streams', []))} streams"
            ]
            step.write = lambda: self.instance.create_declarative_definition(name, manifest)
            return self._keep(step, None)
        if found["manifest"] == manifest:
            step.action = "unchanged"
            return self._keep(step, found["id"])
        changed = sorted(
            k for k in set(manifest) | set(found["manifest"]) if manifest.get(k) != found["manifest"].get(k)
        )
        step.action = "differs"
        step.lines = [
            f"manifest: version {found.get('version')} on the instance differs in {', '.join(changed)}"
        ]
        step.write = lambda: self.instance.update_declarative_definition(name, found["id"], manifest)
        return self._keep(step, found["id"])

    def _source(self, source: dict[str, Any]) -> Step:
        name, configuration, secrets = source["name"], source["configuration"], source["secret_fields"]
        found = _one([s for s in self.sources if s["name"] == name], f"source {name}")
        step = Step("source", name, "create", key=("source", name))
        definition_id = self.ids[("definition of", name)]
        if found is None:
            step.lines = _settings_lines(configuration, secrets)
            step.write = lambda: self.instance.create_source(
                name, self._id(("definition of", name)), configuration
            )
            return self._keep(step, None)
        if found["definitionId"] != definition_id:
            step.lines.append(
                f"definition: instance {found['definitionId']} -> declared {definition_id or PENDING} "
                f"({MOVED_SOURCE})"
            )
        step.lines += _differences(configuration, found.get("configuration") or {}, secrets)
        return self._replace(
            step, found["sourceId"], lambda: self.instance.put_source(found["sourceId"], name, configuration)
        )

    def _destination(self, destination: dict[str, Any]) -> Step:
        name, secrets = destination["name"], destination["secret_fields"]
        configuration = destination["configuration"]
        model = DESTINATION_MODELS.get(configuration.get("destinationType", ""))
        if model is None:
            raise ApplyError(
                f"{destination['where']}: destinationType must be one of {sorted(DESTINATION_MODELS)}",
                CONFIG_ERROR,
            )
        typed = _model(model, configuration, destination["where"])
        sent = typed.model_dump(by_alias=True, mode="json")
        found = _one([d for d in self.destinations if d["name"] == name], f"destination {name}")
        step = Step("destination", name, "create", key=("destination", name))
        if found is None:
            step.lines = _settings_lines(sent, secrets)
            step.write = lambda: self.instance.create_destination(name, typed)
            return self._keep(step, None)
        step.lines = _differences(sent, found.get("configuration") or {}, secrets)
        destination_id = found["destinationId"]
        return self._replace(
            step, destination_id, lambda: self.instance.put_destination(destination_id, name, typed)
        )

    def _connection(self, connection: dict[str, Any]) -> Step:
        name, where, schedule = connection["name"], connection["where"], connection["schedule"]
        body: dict[str, Any] = {
            "name": name,
            "sourceId": self.ids[("source", connection["source"])] or PENDING,
            "destinationId": self.ids[("destination", connection["destination"])] or PENDING,
            "namespaceDefinition": connection["namespace_definition"],
            "namespaceFormat": connection["namespace_format"],
            "status": connection["status"],
            "schedule": {
                "scheduleType": schedule["schedule_type"],
                "cronExpression": schedule["cron_expression"],
            },
            "configurations": {
                "streams": [
                    {
                        k: v
                        for k, v in {
                            "name": s["name"],
                            "syncMode": s["sync_mode"],
                            "cursorField": s["cursor_field"],
                            "primaryKey": s["primary_key"],
                        }.items()
                        if v is not None
                    }
                    for s in connection["streams"]
                ]
            },
        }
        _model(models.ConnectionCreateRequest, body, where)  # refused here, not by the server
        step = Step("connection", name, "create", key=("connection", name))
        if schedule.get("note"):
            step.notes.append(f"schedule converted to UTC: {schedule['note']}")
        found = _one([c for c in self.connections if c["name"] == name], f"connection {name}")
        if found is None:
            step.lines = self._connection_lines(connection)
            step.write = lambda: self.instance.create_connection(
                models.ConnectionCreateRequest.model_validate(
                    {
                        **body,
                        "sourceId": self._id(("source", connection["source"])),
                        "destinationId": self._id(("destination", connection["destination"])),
                    }
                )
            )
            return self._keep(step, None)
        step.lines = self._connection_differences(connection, body, found)
        patch = models.ConnectionPatchRequest.model_validate(
            {
                k: body[k]
                for k in (
                    "name",
                    "namespaceDefinition",
                    "namespaceFormat",
                    "status",
                    "schedule",
                    "configurations",
                )
            }
        )
        connection_id = found["connectionId"]
        return self._replace(
            step, connection_id, lambda: self.instance.patch_connection(connection_id, name, patch)
        )

    @staticmethod
    def _connection_lines(connection: dict[str, Any]) -> list[str]:
        schedule = connection["schedule"]
        cron = f"cron {schedule['cron_expression']} UTC" if schedule["schedule_type"] == "cron" else "manual"
        lines = [
            f"source {connection['source']} -> destination {connection['destination']}, "
            f"namespace {connection['namespace_format']} ({connection['namespace_definition']})",
            f"schedule: {cron}, status {connection['status']}",
        ]
        for stream in connection["streams"]:
            parts = [stream["sync_mode"]]
            if stream["cursor_field"]:
                parts.append(f"cursor {_shown(stream['cursor_field'])}")
            if stream["primary_key"]:
                parts.append(f"primary key {_shown(stream['primary_key'])}")
            lines.append(f"stream {stream['name']}: {', '.join(parts)}")
        return lines

    def _connection_differences(
        self, connection: dict[str, Any], body: dict[str, Any], found: dict[str, Any]
    ) -> list[str]:
        names = {s["sourceId"]: s["name"] for s in self.sources} | {
            d["destinationId"]: d["name"] for d in self.destinations
        }
        schedule = found.get("schedule") or {}
        cron = schedule.get("cronExpression")
        on_instance = {
            "source": names.get(found.get("sourceId"), found.get("sourceId")),
            "destination": names.get(found.get("destinationId"), found.get("destinationId")),
            "namespaceDefinition": found.get("namespaceDefinition"),
            "namespaceFormat": found.get("namespaceFormat"),
            "status": found.get("status"),
            "schedule.scheduleType": schedule.get("scheduleType"),
            "schedule.cronExpression": cron.removesuffix(UTC_SUFFIX) if isinstance(cron, str) else cron,
        }
        declared = {
            "source": connection["source"],
            "destination": connection["destination"],
            "namespaceDefinition": body["namespaceDefinition"],
            "namespaceFormat": body["namespaceFormat"],
            "status": body["status"],
            "schedule.scheduleType": body["schedule"]["scheduleType"],
            "schedule.cronExpression": body["schedule"]["cronExpression"],
        }
        lines = [
            f"{key}: instance {_shown(on_instance[key])} -> declared {_shown(value)}"
            + (f" ({MOVED_CONNECTION})" if key in ("source", "destination") else "")
            for key, value in declared.items()
            if on_instance[key] != value
        ]
        streams = {s["name"]: _stream(s) for s in (found.get("configurations") or {}).get("streams") or []}
        for stream in body["configurations"]["streams"]:
            wanted, actual = _stream(stream), streams.pop(stream["name"], None)
            if actual != wanted:
                lines.append(
                    f"stream {stream['name']}: instance {_shown(actual)} -> declared {_shown(wanted)}"
                )
        lines += [
            f"stream {s}: instance {_shown(streams[s])} -> declared (not synced)" for s in sorted(streams)
        ]
        return lines

    def _replace(self, step: Step, found_id: str, write: Callable[[], str]) -> Step:
        if step.lines:
            step.action = "differs"
            blocked = [line for line in step.lines if MOVED_SOURCE in line or MOVED_CONNECTION in line]
            if blocked and self.overwrite:
                raise ApplyError(f"{step.kind} {step.name}: {blocked[0]}")
            step.write = write
        else:
            step.action = "unchanged"
        return self._keep(step, found_id)

    def _id(self, key: tuple[str, str]) -> str:
        found = self.ids[key]
        assert found is not None, f"{key} is created before the objects that need it"
        return found

    # applying ------------------------------------------------------------------------------------

    def apply(self, steps: list[Step], say: Callable[[str], None]) -> dict[str, int]:
        """Create what is missing, replace what differs when asked; counts per outcome."""
        counts = {"created": 0, "replaced": 0, "left as they are": 0, "unchanged": 0}
        for step in steps:
            if step.action == "create":
                assert step.write is not None
                self.ids[step.key] = step.write()
                if step.key[0] in ("manifest", "image"):  # the sources that use it
                    for source in self.desired["sources"]:
                        if _definition_key(source) == step.key:
                            self.ids[("definition of", source["name"])] = self.ids[step.key]
                counts["created"] += 1
                say(f"created {step.kind} {step.name} ({self.ids[step.key]})")
            elif step.action == "differs" and self.overwrite:
                assert step.write is not None
                step.write()
                counts["replaced"] += 1
                say(f"replaced {step.kind} {step.name} by its declaration")
            elif step.action == "differs":
                counts["left as they are"] += 1
            else:
                counts["unchanged"] += 1
        return counts


def _definition_key(source: dict[str, Any]) -> tuple[str, str]:
    definition = source["definition"]
    if definition["kind"] == "declarative":
        return ("manifest", definition["name"])
    return ("image", definition["docker_repository"])


def _stream(stream: dict[str, Any]) -> dict[str, Any]:
    """A stream's settings as compared: empty cursor and key are the same as none."""
    return {
        "syncMode": stream.get("syncMode"),
        "cursorField": stream.get("cursorField") or None,
        "primaryKey": stream.get("primaryKey") or None,
    }


def render(steps: list[Step], overwrite: bool) -> list[str]:
    """The plan, one header per object and its lines indented; secrets are already `***`."""
    shown: list[str] = []
    for step in steps:
        shown.append(step.header(overwrite))
        shown += [f"      {line}" for line in step.lines]
        shown += [f"      note: {note}" for note in step.notes]
    return shown
