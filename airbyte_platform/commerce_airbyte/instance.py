"""An Airbyte instance's public API, through the `airbyte-api` SDK: the calls `apply` makes, each
failure turned into one line that names the object (docs/airbyte_instance.md §1 for the traps).

Reads return the server's raw JSON, not the SDK's models: a source's `configuration` is a union of
the built-in sources' types with no plain-dict case, so the SDK types a custom source's settings as
whichever built-in source they happen to fit (FakeStore's as `rki-covid`, dropping `base_url`), and
fails on settings that fit none.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from airbyte_api import AirbyteAPI, api, errors, models
from pydantic import BaseModel

CONFIG_ERROR, FAILED = 2, 1  # exit statuses, as the root project's (commerce_stack.errors)
PAGE = 100  # the list endpoints' largest page
TIMEOUT_S = 30


class ApplyError(RuntimeError):
    """What a person must fix, in one line, and the exit status."""

    def __init__(self, message: str, status: int = FAILED) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Settings:
    """Where the instance is and who we are on it, from the environment (never the command line)."""

    url: str  # the public API's root, e.g. http://localhost:8000/api/public/v1
    workspace_id: str
    client_id: str
    client_secret: str

    VARIABLES = ("AIRBYTE_API_URL", "AIRBYTE_WORKSPACE_ID", "AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        missing = [name for name in cls.VARIABLES if not environ.get(name, "").strip()]
        if missing:
            raise ApplyError(
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: the Airbyte API's URL "
                "(…/api/public/v1; Cloud: https://api.airbyte.com/v1), the workspace id and an application's "
                "client id and secret (Settings > Applications) (docs/airbyte_instance.md §1)",
                CONFIG_ERROR,
            )
        values = [environ[name].strip() for name in cls.VARIABLES]
        return cls(values[0].rstrip("/"), *values[1:])


def _server_message(body: str) -> str:
    """The server's own words: a problem document's `detail` or `message`, else the body's start."""
    try:
        found = json.loads(body)
    except ValueError:
        found = None
    if isinstance(found, dict):
        for key in ("detail", "message", "title"):
            if isinstance(found.get(key), str) and found[key].strip():
                return " ".join(found[key].split())
    text = " ".join(body.split())
    return text[:300] or "(no body)"


class Instance:
    """The calls `apply` makes, on one workspace; `client` lets tests put a fake behind the SDK."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.workspace_id = settings.workspace_id
        # The SDK joins a relative token URL to the host, not to the API's root (…/api/public/v1),
        # so the token endpoint is given whole.
        credentials = models.SchemeClientCredentials(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            token_url=f"{settings.url}/applications/token",
        )
        self.sdk = AirbyteAPI(
            server_url=settings.url,
            security=models.Security(client_credentials=credentials),
            client=client or httpx.Client(follow_redirects=True, timeout=TIMEOUT_S),
            timeout_ms=TIMEOUT_S * 1000,
        )

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        """The raw JSON of the answer to `call`; `what` names the object in errors."""
        try:
            with warnings.catch_warnings():
                # pydantic warns on a configuration sent as a plain dict, quoting it whole, secrets
                # included: never let that reach a log
                warnings.simplefilter("ignore")
                response = call()
        except errors.ResponseValidationError as error:  # 2xx, but not what the SDK's models expect
            return error.raw_response.json()
        except errors.AirbyteAPIError as error:
            raise ApplyError(
                f"{what}: the Airbyte instance answered HTTP {error.status_code}: "
                f"{_server_message(error.body)}"
            ) from None
        except httpx.TimeoutException:
            raise ApplyError(
                f"{what}: the Airbyte API at {self.settings.url} did not answer in {TIMEOUT_S} s"
            ) from None
        except httpx.HTTPError as error:
            raise ApplyError(
                f"cannot reach the Airbyte API at {self.settings.url} ({type(error).__name__}: {error}): "
                "check AIRBYTE_API_URL and that the instance is up"
            ) from None
        except Exception as error:  # the SDK's token hook raises a bare Exception
            if "token endpoint" not in str(error):
                raise
            raise ApplyError(
                f"the Airbyte instance refused the application's credentials ({error}): "
                "check AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET"
            ) from None
        raw = response.raw_response
        return raw.json() if raw.content else None

    def _all(self, what: str, lister: Callable[[int], Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            offset = len(found)
            page = self._call(what, lambda: lister(offset))["data"]  # noqa: B023 - called at once
            found += page
            if len(page) < PAGE:
                return found

    # reads ---------------------------------------------------------------------------------------

    def declarative_definitions(self) -> list[dict[str, Any]]:
        request = api.ListDeclarativeSourceDefinitionsRequest(workspace_id=self.workspace_id)
        lister = self.sdk.declarative_source_definitions.list_declarative_source_definitions
        return self._call("listing declarative source definitions", lambda: lister(request=request))["data"]

    def source_definitions(self) -> list[dict[str, Any]]:
        request = api.ListSourceDefinitionsRequest(workspace_id=self.workspace_id)
        lister = self.sdk.source_definitions.list_source_definitions
        return self._call("listing source definitions", lambda: lister(request=request))["data"]

    def sources(self) -> list[dict[str, Any]]:
        return self._all(
            "listing sources",
            lambda offset: self.sdk.sources.list_sources(
                request=api.ListSourcesRequest(workspace_ids=[self.workspace_id], limit=PAGE, offset=offset)
            ),
        )

    def destinations(self) -> list[dict[str, Any]]:
        return self._all(
            "listing destinations",
            lambda offset: self.sdk.destinations.list_destinations(
                request=api.ListDestinationsRequest(
                    workspace_ids=[self.workspace_id], limit=PAGE, offset=offset
                )
            ),
        )

    def connections(self) -> list[dict[str, Any]]:
        return self._all(
            "listing connections",
            lambda offset: self.sdk.connections.list_connections(
                request=api.ListConnectionsRequest(
                    workspace_ids=[self.workspace_id], limit=PAGE, offset=offset
                )
            ),
        )

    # writes: each returns the object's id --------------------------------------------------------

    def create_declarative_definition(self, name: str, manifest: Any) -> str:
        request = api.CreateDeclarativeSourceDefinitionRequest(
            workspace_id=self.workspace_id,
            create_declarative_source_definition_request=models.CreateDeclarativeSourceDefinitionRequest(
                name=name, manifest=manifest
            ),
        )
        creator = self.sdk.declarative_source_definitions.create_declarative_source_definition
        return self._call(f"source definition {name}", lambda: creator(request=request))["id"]

    def update_declarative_definition(self, name: str, definition_id: str, manifest: Any) -> str:
        request = api.UpdateDeclarativeSourceDefinitionRequest(
            workspace_id=self.workspace_id,
            definition_id=definition_id,
            update_declarative_source_definition_request=models.UpdateDeclarativeSourceDefinitionRequest(
                manifest=manifest
            ),
        )
        updater = self.sdk.declarative_source_definitions.update_declarative_source_definition
        return self._call(f"source definition {name}", lambda: updater(request=request))["id"]

    def create_source_definition(self, body: models.CreateDefinitionRequest) -> str:
        request = api.CreateSourceDefinitionRequest(
            workspace_id=self.workspace_id, create_definition_request=body
        )
        creator = self.sdk.source_definitions.create_source_definition
        return self._call(f"source definition {body.name}", lambda: creator(request=request))["id"]

    def update_source_definition(self, definition_id: str, body: models.UpdateDefinitionRequest) -> str:
        request = api.UpdateSourceDefinitionRequest(
            workspace_id=self.workspace_id, definition_id=definition_id, update_definition_request=body
        )
        updater = self.sdk.source_definitions.update_source_definition
        return self._call(f"source definition {body.name}", lambda: updater(request=request))["id"]

    def create_source(self, name: str, definition_id: str, configuration: dict[str, Any]) -> str:
        # model_construct: the configuration goes as the plain dict it is (see the module's note)
        body = models.SourceCreateRequest.model_construct(
            name=name,
            workspace_id=self.workspace_id,
            definition_id=definition_id,
            configuration=configuration,
        )
        return self._call(f"source {name}", lambda: self.sdk.sources.create_source(request=body))["sourceId"]

    def put_source(self, source_id: str, name: str, configuration: dict[str, Any]) -> str:
        body = models.SourcePutRequest.model_construct(name=name, configuration=configuration)
        request = api.PutSourceRequest(source_id=source_id, source_put_request=body)
        return self._call(f"source {name}", lambda: self.sdk.sources.put_source(request=request))["sourceId"]

    def create_destination(self, name: str, configuration: BaseModel) -> str:
        body = models.DestinationCreateRequest(
            name=name, workspace_id=self.workspace_id, configuration=configuration
        )
        creator = self.sdk.destinations.create_destination
        return self._call(f"destination {name}", lambda: creator(request=body))["destinationId"]

    def put_destination(self, destination_id: str, name: str, configuration: BaseModel) -> str:
        request = api.PutDestinationRequest(
            destination_id=destination_id,
            destination_put_request=models.DestinationPutRequest(name=name, configuration=configuration),
        )
        putter = self.sdk.destinations.put_destination
        return self._call(f"destination {name}", lambda: putter(request=request))["destinationId"]

    def create_connection(self, body: models.ConnectionCreateRequest) -> str:
        creator = self.sdk.connections.create_connection
        return self._call(f"connection {body.name}", lambda: creator(request=body))["connectionId"]

    def patch_connection(self, connection_id: str, name: str, body: models.ConnectionPatchRequest) -> str:
        request = api.PatchConnectionRequest(connection_id=connection_id, connection_patch_request=body)
        patcher = self.sdk.connections.patch_connection
        return self._call(f"connection {name}", lambda: patcher(request=request))["connectionId"]
