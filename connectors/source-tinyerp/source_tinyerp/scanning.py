"""Reading a paged list endpoint without losing or repeating a record while the list changes.

TinyERP pages lists by 100 (``pagina`` / ``numero_paginas``) and computes every page afresh, so a
record created, updated or deleted during a scan moves the page boundaries: ``numero_paginas`` grows
or shrinks mid-scan (docs/tinyerp_api.md §1.5), an insertion before the current page pushes a row
onto the next page (it is listed twice), and a removal pulls one back onto a page already read (it is
never listed).

:func:`scan_list` reads a list so that neither happens:

1. **Follow the page count.** Every page's ``numero_paginas`` replaces the previous one: the pass
   goes on to a page that appeared and stops at a page that vanished (code 23, or code 20).
2. **De-duplicate by id.** A row whose ``id`` was already listed (in this pass, an earlier pass, or an
   earlier window of the same sync: the caller passes the set) is not listed again.
3. **Verify.** One answer is an atomic snapshot: a list that fits in one page is done. A list read in
   several requests is read again from page 1, until a whole pass brings no new id and every page
   reported the same ``numero_paginas`` (at most ``MAX_PASSES`` passes; the last one logs a warning).
   A row pulled back onto an already-read page during pass 1 is on its page during pass 2.

The cost is one extra list call per 100 listed records, about 1% of an orders or products sync
(each listed record costs one detail call).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, MutableSet
from typing import Any

from .client import TinyClient
from .coercion import unwrap_lists

LOGGER = logging.getLogger("airbyte")
MAX_PASSES = 3


def record_key(row: Mapping[str, Any]) -> str:
    """The id a list row is de-duplicated on (ids are strings in the API, sometimes numbers)."""
    return str(row.get("id", "")).strip()


def scan_list(
    client: TinyClient,
    endpoint: str,
    params: Mapping[str, Any],
    list_key: str,
    seen: MutableSet[str],
) -> Iterator[dict[str, Any]]:
    """Yields every row of a list endpoint once (unwrapped: ``{"pedido": {...}}`` -> ``{...}``).

    Raises :class:`~source_tinyerp.client.TooManyRecords` when the API refuses the filter (code 21).
    """
    for pass_number in range(1, MAX_PASSES + 1):
        page, new_rows, page_counts = 1, 0, set()
        while True:
            response = client.call(endpoint, {**params, "pagina": page})
            if not response.has_records:  # 20: nothing (left) to list; 23: the page vanished
                break
            page_count = response.page_count
            page_counts.add(page_count)
            for row in unwrap_lists(response.retorno.get(list_key) or []):
                key = record_key(row)
                if key and key in seen:
                    continue
                if key:
                    seen.add(key)
                new_rows += 1
                yield row
            if page >= page_count:
                break
            page += 1

        if page == 1:
            return  # the whole list came in one answer: nothing can have moved
        if pass_number > 1 and new_rows == 0 and len(page_counts) == 1:
            return
        if pass_number == MAX_PASSES:
            LOGGER.warning(
                f"TinyERP {endpoint} ({_shown(params)}) kept changing while it was read: pass {pass_number} "
                f"still found {new_rows} new rows and page counts {sorted(page_counts)}. Rows changed after "
                "the scan started are read again by the next sync."
            )
            return
        LOGGER.info(
            f"TinyERP {endpoint} ({_shown(params)}): pass {pass_number} read {page} pages "
            f"(numero_paginas seen: {sorted(page_counts)}, {new_rows} new rows); re-reading to verify."
        )


def _shown(params: Mapping[str, Any]) -> str:
    return " ".join(f"{key}={value}" for key, value in params.items())
