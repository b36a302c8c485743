"""The v2 response envelope (docs/tinyerp_api.md §1.2, §1.3) and its JSON and XML renderings.

    {"retorno": {"status_processamento": "3", "status": "OK", ...payload}}
    {"retorno": {"status_processamento": "2", "status": "Erro", "codigo_erro": "20",
                 "erros": [{"erro": "A consulta não retornou registros"}]}}

Always HTTP 200, every scalar a string. JSON is written the way PHP's json_encode does by default
(\\uXXXX escapes, "\\/"). Without `formato=json` the non-PDV endpoints answer XML with a <retorno> root.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from ..core import JSON_TYPE, Response
from .records import php_json

XML_TYPE = "text/xml; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

# codigo_erro -> (status_processamento, message)
ERRORS: dict[str, tuple[str, str]] = {
    "1": ("1", "token não informado"),
    "2": ("1", "token invalido"),
    "3": ("1", "JSON mal formado ou inválido"),
    "4": ("1", "Erro de processamento do JSON"),
    "5": ("1", "API bloqueada ou sem acesso"),
    "6": (
        "1",
        "API Bloqueada - Excedido o número de acessos a API, aguarde alguns minutos e tente novamente",
    ),
    "7": ("1", "Espaço da empresa esgotado"),
    "8": ("1", "Empresa bloqueada"),
    "9": ("2", "Números de sequência em duplicidade"),
    "10": ("2", "Parâmetro não informado"),
    "11": ("1", "API Bloqueada - Excedido o número de acessos concorrentes a API, tente novamente"),
    "20": ("2", "A consulta não retornou registros"),
    "21": ("2", "A consulta retornou muitos registros"),
    "22": ("2", "O XML tem mais registros que o permitido por lote"),
    "23": ("2", "A página que você está tentando obter não existe"),
    "30": ("2", "Erro de duplicidade de registro"),
    "31": ("2", "Erros de validação"),
    "32": ("2", "Registro não localizado"),
    "33": ("2", "Registro localizado em duplicidade"),
    "34": ("2", "Nota fiscal não autorizada"),
    "35": ("1", "Ocorreu um erro inesperado, tente novamente mais tarde"),
    "99": ("1", "Sistema em manutenção"),
}


class Raw(bytes):
    """A value that is already JSON (e.g. a page of pre-serialised rows)."""


@dataclass
class Ok:
    pairs: list[tuple[str, Any]]  # payload keys after status_processamento/status, in order


@dataclass
class Err:
    code: str
    message: str | None = None

    @property
    def text(self) -> str:
        return self.message or ERRORS.get(self.code, ("1", f"Erro {self.code}"))[1]


def envelope_json(result: Ok | Err) -> bytes:
    if isinstance(result, Err):
        sp = ERRORS.get(result.code, ("1", ""))[0]
        return php_json(
            {
                "retorno": {
                    "status_processamento": sp,
                    "status": "Erro",
                    "codigo_erro": result.code,
                    "erros": [{"erro": result.text}],
                }
            }
        )
    parts = [b'{"retorno":{"status_processamento":"3","status":"OK"']
    for key, value in result.pairs:
        parts.append(b"," + php_json(key) + b":" + (value if isinstance(value, Raw) else php_json(value)))
    parts.append(b"}}")
    return b"".join(parts)


def envelope_xml(result: Ok | Err) -> bytes:
    value = json.loads(envelope_json(result))["retorno"]
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + _xml("retorno", value).encode()


def _xml(tag: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml(k, v) for k, v in value.items())
    elif isinstance(value, list):
        # wrapped lists ([{"pedido": {...}}]) become <pedidos><pedido>...</pedido></pedidos>
        inner = "".join(
            _xml(*next(iter(v.items()))) if isinstance(v, dict) and len(v) == 1 else _xml("item", v)
            for v in value
        )
    else:
        inner = escape("" if value is None else str(value))
    return f"<{tag}>{inner}</{tag}>"


def render(result: Ok | Err, *, as_json: bool) -> Response:
    code = result.code if isinstance(result, Err) else None
    if as_json:
        return Response(200, envelope_json(result), JSON_TYPE, error_code=code)
    return Response(200, envelope_xml(result), XML_TYPE, error_code=code)


def not_found_page(path: str) -> Response:
    page = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n'
        f"</head><body>\n<h1>Not Found</h1>\n<p>The requested URL {escape(path)} was not found on this "
        "server.</p>\n</body></html>\n"
    )
    return Response(404, page.encode(), HTML_TYPE)
