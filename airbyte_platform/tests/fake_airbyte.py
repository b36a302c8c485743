"""A stateful fake of the Airbyte public API endpoints `commerce_airbyte` uses, in the test's process.

It answers as the API does (ids, `{"data": [...]}` lists with limit/offset, secrets read back as
`**********`, crons read back with " UTC"), checks every request body against the SDK's request
model (custom sources' `configuration` as the plain object the API takes), and enforces the server
rules we know: an application token on every call, Docker definitions by repository, a connection's
streams, modes, cursors and keys against its source's catalog, no cron finer than hourly.
Reached through `httpx.MockTransport` (`client()`), or over loopback HTTP (`serve()`) when the
command line under test runs in other processes. `edit_*` are what a person does in the UI.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx
from airbyte_api import models
from pydantic import BaseModel, ValidationError

API_ROOT = "/api/public/v1"
MASKED = "**********"


class CustomSourceCreate(models.SourceCreateRequest):
    configuration: dict[str, Any]  # type: ignore[assignment]  # what the API takes for a custom source


class CustomSourcePut(models.SourcePutRequest):
    configuration: dict[str, Any]  # type: ignore[assignment]


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


@dataclass
class Logged:
    method: str
    url: str  # path and query: what an access log keeps
    body: str
    authorization: str


@dataclass
class FakeAirbyte:
    workspace_id: str = "0e5f0c4e-0000-4000-8000-000000000001"
    # unique per fake: the SDK keeps application tokens per client id and secret for the whole
    # process, whatever the server, so two fakes with one client id would share a token
    client_id: str = field(default_factory=lambda: f"app-{uuid.uuid4()}")
    client_secret: str = "app-secret"
    # connector catalogs by definition: ("manifest", name) or ("image", repository) -> AirbyteCatalog
    catalogs: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    requests: list[Logged] = field(default_factory=list)
    declarative: dict[str, dict[str, Any]] = field(default_factory=dict)
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    destinations: dict[str, dict[str, Any]] = field(default_factory=dict)
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    token: str = field(default_factory=lambda: f"token-{uuid.uuid4()}")

    def seed_stock_definition(self, name: str, repository: str, tag: str) -> str:
        """A connector the instance ships with (Airbyte's own registry)."""
        definition_id = str(uuid.uuid4())
        self.definitions[definition_id] = {
            "id": definition_id,
            "name": name,
            "dockerRepository": repository,
            "dockerImageTag": tag,
            "documentationUrl": f"https://docs.airbyte.com/integrations/sources/{name.lower()}",
        }
        return definition_id

    # what a person changes in Airbyte's UI ---------------------------------------------------------

    def edit_connection(self, name: str, **changes: Any) -> None:
        connection = next(c for c in self.connections.values() if c["name"] == name)
        connection.update(changes)

    def edit_source(self, name: str, **settings: Any) -> None:
        source = next(s for s in self.sources.values() if s["name"] == name)
        source["configuration"].update(settings)

    # transports ------------------------------------------------------------------------------------

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle), base_url="http://airbyte.test")

    @contextmanager
    def serve(self) -> Iterator[str]:
        """The same fake on 127.0.0.1 (a free port) for other processes; yields the API's URL."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = httpx.Request(
                    self.command,
                    f"http://{self.headers['Host']}{self.path}",
                    headers=dict(self.headers),
                    content=self.rfile.read(length),
                )
                response = fake.handle(request)
                self.send_response(response.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(response.content)))
                self.end_headers()
                self.wfile.write(response.content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

            def log_message(self, *args: Any) -> None:  # the fake keeps its own log
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}{API_ROOT}"
        finally:
            server.shutdown()
            server.server_close()

    # the API ---------------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = request.content.decode()
        self.requests.append(
            Logged(
                request.method, request.url.raw_path.decode(), body, request.headers.get("Authorization", "")
            )
        )
        path = request.url.path.removeprefix(API_ROOT)
        try:
            if path == "/applications/token" and request.method == "POST":
                return self._token(parse_qs(body))
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                raise Refused(401, "Unauthorized: no valid application token")
            for method, pattern, route in self._routes():
                match = re.fullmatch(pattern, path)
                if match and request.method == method:
                    payload = json.loads(body) if body else None
                    return httpx.Response(200, json=route(payload, request.url.params, *match.groups()))
            raise Refused(404, f"no route {request.method} {path}")
        except Refused as refused:
            return httpx.Response(
                refused.status, json={"type": "error", "status": refused.status, "detail": refused.detail}
            )

    def _routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        ws = r"/workspaces/([^/]+)/definitions"
        return [
            (
                "GET",
                ws + "/declarative_sources",
                lambda _, q, w: {"data": list(self._in(w, self.declarative))},
            ),
            ("POST", ws + "/declarative_sources", self._create_declarative),
            ("PUT", ws + r"/declarative_sources/([^/]+)", self._update_declarative),
            ("GET", ws + "/sources", lambda _, q, w: {"data": list(self._in(w, self.definitions))}),
            ("POST", ws + "/sources", self._create_definition),
            ("PUT", ws + r"/sources/([^/]+)", self._update_definition),
            ("GET", "/sources", lambda _, q: self._page(q, [self._masked(s) for s in self.sources.values()])),
            ("POST", "/sources", self._create_source),
            ("PUT", r"/sources/([^/]+)", self._put_source),
            (
                "GET",
                "/destinations",
                lambda _, q: self._page(q, [self._masked(d) for d in self.destinations.values()]),
            ),
            ("POST", "/destinations", self._create_destination),
            ("PUT", r"/destinations/([^/]+)", self._put_destination),
            (
                "GET",
                "/connections",
                lambda _, q: self._page(q, [self._read(c) for c in self.connections.values()]),
            ),
            ("POST", "/connections", self._create_connection),
            ("PATCH", r"/connections/([^/]+)", self._patch_connection),
        ]

    def _token(self, form: dict[str, list[str]]) -> httpx.Response:
        given = (form.get("client_id", [""])[0], form.get("client_secret", [""])[0])
        if form.get("grant_type") != ["client_credentials"] or given != (self.client_id, self.client_secret):
            return httpx.Response(401, json={"detail": "invalid client credentials"})
        return httpx.Response(
            200, json={"access_token": self.token, "token_type": "Bearer", "expires_in": 180}
        )

    def _in(self, workspace: str, objects: dict[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
        if workspace != self.workspace_id:
            raise Refused(404, f"workspace {workspace} not found")
        yield from (dict(o) for o in objects.values())

    def _page(self, query: httpx.QueryParams, items: list[dict[str, Any]]) -> dict[str, Any]:
        if query.get_list("workspaceIds") != [self.workspace_id]:
            raise Refused(400, "workspaceIds must name this workspace")
        limit, offset = int(query.get("limit", 20)), int(query.get("offset", 0))
        if not 1 <= limit <= 100:
            raise Refused(400, "limit must be between 1 and 100")
        return {"data": items[offset : offset + limit]}

    @staticmethod
    def _checked(model: type[BaseModel], payload: Any) -> dict[str, Any]:
        """The body as the SDK's model reads it: 400 for a body the API would refuse, or for a key
        the API does not know."""
        if not isinstance(payload, dict):
            raise Refused(400, "the body must be a JSON object")
        known = {f.alias or name for name, f in model.model_fields.items()}
        if set(payload) - known:
            raise Refused(400, f"unknown properties {sorted(set(payload) - known)}")
        try:
            model.model_validate(payload)
        except ValidationError as error:
            problem = error.errors(include_input=False)[0]
            raise Refused(400, f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}") from None
        return payload

    def _create_declarative(self, payload: Any, _: Any, workspace: str) -> dict[str, Any]:
        body = self._checked(models.CreateDeclarativeSourceDefinitionRequest, payload)
        list(self._in(workspace, {}))
        if any(d["name"] == body["name"] for d in self.declarative.values()):
            raise Refused(409, f"a declarative source definition named {body['name']} exists")
        definition_id = str(uuid.uuid4())
        self.declarative[definition_id] = {
            "id": definition_id,
            "name": body["name"],
            "manifest": body["manifest"],
            "version": 1,
        }
        return self.declarative[definition_id]

    def _update_declarative(self, payload: Any, _: Any, workspace: str, definition_id: str) -> dict[str, Any]:
        body = self._checked(models.UpdateDeclarativeSourceDefinitionRequest, payload)
        found = self._get(self.declarative, definition_id, "declarative source definition")
        found.update(manifest=body["manifest"], version=found["version"] + 1)
        return found

    def _create_definition(self, payload: Any, _: Any, workspace: str) -> dict[str, Any]:
        body = self._checked(models.CreateDefinitionRequest, payload)
        definition_id = str(uuid.uuid4())
        self.definitions[definition_id] = {"id": definition_id, **body}
        return self.definitions[definition_id]

    def _update_definition(self, payload: Any, _: Any, workspace: str, definition_id: str) -> dict[str, Any]:
        body = self._checked(models.UpdateDefinitionRequest, payload)
        found = self._get(self.definitions, definition_id, "source definition")
        found.update(body)
        return found

    def _create_source(self, payload: Any, _: Any) -> dict[str, Any]:
        body = self._checked(CustomSourceCreate, payload)
        if body["workspaceId"] != self.workspace_id:
            raise Refused(404, "workspace not found")
        definition = body.get("definitionId")
        if definition not in self.declarative and definition not in self.definitions:
            raise Refused(400, f"source definition {definition} not found")
        source_id = str(uuid.uuid4())
        self.sources[source_id] = {
            "sourceId": source_id,
            "name": body["name"],
            "definitionId": definition,
            "sourceType": "custom",
            "workspaceId": self.workspace_id,
            "createdAt": 1767225600,
            "configuration": dict(body["configuration"]),
        }
        return self._masked(self.sources[source_id])

    def _put_source(self, payload: Any, _: Any, source_id: str) -> dict[str, Any]:
        body = self._checked(CustomSourcePut, payload)
        found = self._get(self.sources, source_id, "source")
        found.update(name=body["name"], configuration=dict(body["configuration"]))
        return self._masked(found)

    def _create_destination(self, payload: Any, _: Any) -> dict[str, Any]:
        body = self._checked(models.DestinationCreateRequest, payload)
        destination_id = str(uuid.uuid4())
        self.destinations[destination_id] = {
            "destinationId": destination_id,
            "name": body["name"],
            "definitionId": "22f6c74f-5699-40ff-833c-4a879ea40133",
            "destinationType": body["configuration"]["destinationType"],
            "workspaceId": self.workspace_id,
            "createdAt": 1767225600,
            "configuration": dict(body["configuration"]),
        }
        return self._masked(self.destinations[destination_id])

    def _put_destination(self, payload: Any, _: Any, destination_id: str) -> dict[str, Any]:
        body = self._checked(models.DestinationPutRequest, payload)
        found = self._get(self.destinations, destination_id, "destination")
        found.update(name=body["name"], configuration=dict(body["configuration"]))
        return self._masked(found)

    def _create_connection(self, payload: Any, _: Any) -> dict[str, Any]:
        body = self._checked(models.ConnectionCreateRequest, payload)
        source = self._get(self.sources, body["sourceId"], "source")
        self._get(self.destinations, body["destinationId"], "destination")
        self._server_rules(body, source)
        connection_id = str(uuid.uuid4())
        self.connections[connection_id] = {
            "connectionId": connection_id,
            "workspaceId": self.workspace_id,
            "createdAt": 1767225600,
            "tags": [],
            "status": "active",
            "namespaceDefinition": "destination",
            "nonBreakingSchemaUpdatesBehavior": "ignore",
            "prefix": "",
            **body,
        }
        return self._read(self.connections[connection_id])

    def _patch_connection(self, payload: Any, _: Any, connection_id: str) -> dict[str, Any]:
        body = self._checked(models.ConnectionPatchRequest, payload)
        found = self._get(self.connections, connection_id, "connection")
        self._server_rules({**found, **body}, self.sources[found["sourceId"]])
        found.update(body)
        return self._read(found)

    def _server_rules(self, connection: dict[str, Any], source: dict[str, Any]) -> None:
        schedule = connection.get("schedule") or {}
        cron = (schedule.get("cronExpression") or "").split()
        if schedule.get("scheduleType") == "cron" and not (
            len(cron) >= 6 and cron[0].isdigit() and cron[1].isdigit()
        ):
            raise Refused(400, "cron expressions that run more often than once an hour are not allowed")
        catalog = self._catalog(source)
        if catalog is None:
            return
        offered = {s["name"]: s for s in catalog["streams"]}
        for stream in (connection.get("configurations") or {}).get("streams") or []:
            found = offered.get(stream["name"])
            if found is None:
                raise Refused(400, f"stream {stream['name']} is not in the source's catalog")
            mode = stream.get("syncMode", "")
            if not mode.startswith(tuple(found["supported_sync_modes"])):
                raise Refused(400, f"stream {stream['name']}: sync mode {mode} is not supported")
            if found.get("source_defined_cursor") and stream.get("cursorField") not in (
                None,
                found["default_cursor_field"],
            ):
                raise Refused(400, f"stream {stream['name']}: the cursor field is defined by the source")
            key = found.get("source_defined_primary_key")
            if key and stream.get("primaryKey") not in (None, key):
                raise Refused(400, f"stream {stream['name']}: the primary key is defined by the source")

    def _catalog(self, source: dict[str, Any]) -> dict[str, Any] | None:
        definition = source["definitionId"]
        if definition in self.declarative:
            return self.catalogs.get(("manifest", self.declarative[definition]["name"]))
        return self.catalogs.get(("image", self.definitions[definition]["dockerRepository"]))

    @staticmethod
    def _get(objects: dict[str, dict[str, Any]], object_id: str, what: str) -> dict[str, Any]:
        if object_id not in objects:
            raise Refused(404, f"{what} {object_id} not found")
        return objects[object_id]

    def _masked(self, item: dict[str, Any]) -> dict[str, Any]:
        """Secret settings come back masked, as the API returns them."""
        secret = {"api_token", "application_secret", "token", "credentials_json"}
        configuration = {k: MASKED if k in secret else v for k, v in item["configuration"].items()}
        return {**item, "configuration": configuration}

    @staticmethod
    def _read(connection: dict[str, Any]) -> dict[str, Any]:
        """A connection as the API reads it back: its cron with " UTC" after it."""
        shown = json.loads(json.dumps(connection))
        schedule = shown.get("schedule") or {"scheduleType": "manual"}
        if schedule.get("cronExpression"):
            schedule["cronExpression"] += " UTC"
        shown["schedule"] = schedule
        return shown
