"""FakeStore's responses: JSON the way Express and JSON.stringify write it, and Express's pages.

A response body is either bytes or a list of pre-serialised JSON items that the server streams as a
JSON array (so a 100k-cart answer is never joined into one string): see core/http.py.
"""

from __future__ import annotations

from typing import Any

from ..core import Response
from .jscompat import js_dumps

HTML_TYPE = "text/html; charset=utf-8"  # what Express's res.send(string) declares
# The `escape-html` package Express uses (note &#39;, where Python's html.escape writes &#x27;).
_ESCAPE_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def json_response(value: Any, status: int = 200) -> Response:
    return Response(status, js_dumps(value))


def raw_json(body: bytes | None, status: int = 200) -> Response:
    """A stored record as-is; `None` is what `res.json(null)` sends for a missing record."""
    return Response(status, b"null" if body is None else body)


def json_array(items: list[bytes]) -> Response:
    return Response(200, items=items)


def error_json(message: str, status: int = 400) -> Response:
    """The live site's error shape, e.g. {"status":"error","message":"cart id should be provided"}."""
    return json_response({"status": "error", "message": message}, status)


def text_response(text: str, status: int) -> Response:
    return Response(status, text.encode(), content_type=HTML_TYPE)


def express_error_page(status: int, message: str) -> Response:
    """Express's finalhandler page (e.g. `Cannot GET /foo` for an unknown route, with status 404)."""
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
        f"</head>\n<body>\n<pre>{message.translate(_ESCAPE_HTML)}</pre>\n</body>\n</html>\n"
    )
    return Response(
        status,
        page.encode(),
        content_type=HTML_TYPE,
        headers=[("Content-Security-Policy", "default-src 'none'"), ("X-Content-Type-Options", "nosniff")],
    )
