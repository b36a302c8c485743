"""The runner's masking, in a process of its own (it takes over the file descriptors 1 and 2): what
the process prints, what a child it starts writes to its inherited stderr, what rich prints and what
a logger writes to a file, for a secret in its raw, URL-encoded, base64 and JSON-escaped forms."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from commerce_stack.secret_forms import MASK, SecretMask

SECRET = "AUD+IT/PR=OBE%41&x\n"  # as a file gives it: the newline too

PROGRAM = textwrap.dedent(
    """
    import base64, json, logging, re, subprocess, sys, urllib.parse
    import rich
    from commerce_pyairbyte.redaction import SECRETS, mask_log_records, masked_output

    secret, log_file = sys.argv[1], sys.argv[2]
    token = secret.strip()
    mask_log_records()
    logger = logging.getLogger("airbyte.source-test")
    logger.addHandler(logging.FileHandler(log_file))
    with masked_output():
        SECRETS.add([secret])  # as the runner adds a connection's secrets once its spec is known
        print("stdout raw", token, "json", json.dumps({"token": secret}))
        print("stderr quote_plus", urllib.parse.quote_plus(token), file=sys.stderr)
        subprocess.run(["sh", "-c", 'echo "child stderr $0" >&2', base64.b64encode(token.encode()).decode()])
        # one word longer than 80 columns, the token across the 80th: rich folds it there off a terminal
        url = "http://127.0.0.1:9/api2/" + "v" * 25 + "/info.php?token=" + urllib.parse.quote(token, safe="")
        rich.print("ERROR: failed", url + "&formato=JSON", file=sys.stderr)
        lower_hex = re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), urllib.parse.quote(token, safe=""))
        logger.warning("log %s", lower_hex)
        try:
            raise RuntimeError(f"failed with {token}")
        except RuntimeError:
            logger.exception("traceback")
    """
)


def test_given_a_secret_when_printed_logged_or_written_by_a_child_then_every_form_is_masked(tmp_path: Path):
    log_file = tmp_path / "connector.log"
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, SECRET, str(log_file)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    mask = SecretMask([SECRET])
    log = log_file.read_text()
    assert mask.found_in(done.stdout + done.stderr + log) == []
    assert done.stdout.splitlines() == [f'stdout raw {MASK} json {{"token": "{MASK}"}}']
    assert f"stderr quote_plus {MASK}" in done.stderr.splitlines()
    assert f"child stderr {MASK}" in done.stderr.splitlines()
    assert f"/info.php?token={MASK}&formato=JSON" in done.stderr  # on one line: rich did not fold it
    assert log.splitlines()[0] == f"log {MASK}"
    assert f"RuntimeError: failed with {MASK}" in log
