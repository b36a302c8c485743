"""A simulator as the HTTPS proxy of a real API host, for clients that cannot be pointed elsewhere.

Some connectors hard-code a host (Linnworks' auth call goes to `https://api.linnworks.net`). Run
them with the standard `requests` variables instead of changing them:

    HTTPS_PROXY=http://127.0.0.1:<port>  NO_PROXY=127.0.0.1,localhost  REQUESTS_CA_BUNDLE=<ca.pem>

The simulator answers `CONNECT <host>:443` for the hosts it plays (and refuses any other with 403),
then speaks TLS on that socket with a certificate for the host signed by a throw-away test CA, and
serves the requests that follow with its own handler. The CA and the certificate are made by the
`openssl` command line (the standard library cannot sign certificates) in a private folder; the CA
is valid for a week, exists only on this machine and signs nothing but the simulated hosts.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CA_FILE = "ca.pem"  # what the client trusts (REQUESTS_CA_BUNDLE)
_DAYS = "7"
_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


class TlsSetupError(RuntimeError):
    """The test CA could not be made (no `openssl` on PATH, or it failed)."""


def _openssl(*args: str, cwd: Path) -> None:
    if shutil.which("openssl") is None:
        raise TlsSetupError("the `openssl` command is needed to make the simulator's test CA; install it")
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise TlsSetupError(f"openssl {args[0]} failed: {done.stderr.strip()}")


def make_test_ca(folder: Path, hosts: tuple[str, ...]) -> None:
    """`folder`/ca.pem (the CA), server.pem + server.key (a leaf for `hosts`), keys readable by us only."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    leaf_ext = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
    leaf_ext += "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    leaf_ext += "subjectAltName=" + ",".join(f"DNS:{h}" for h in hosts) + "\n"
    (folder / "leaf.ext").write_text(leaf_ext)
    _openssl("req", "-x509", *_EC, "-keyout", "ca.key", "-out", CA_FILE, "-days", _DAYS,
             "-subj", "/CN=commerce-simulators test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)  # fmt: skip
    _openssl("req", "-new", *_EC, "-keyout", "server.key", "-out", "server.csr",
             "-subj", f"/CN={hosts[0]}", cwd=folder)  # fmt: skip
    _openssl("x509", "-req", "-in", "server.csr", "-CA", CA_FILE, "-CAkey", "ca.key", "-set_serial", "1",
             "-days", _DAYS, "-extfile", "leaf.ext", "-out", "server.pem", cwd=folder)  # fmt: skip
    for name in ("ca.key", "server.key"):
        (folder / name).chmod(0o600)


@dataclass
class TlsIntercept:
    """The hosts a simulator plays over HTTPS, and the TLS context it answers them with."""

    hosts: tuple[str, ...]
    folder: Path | None = None  # where the CA lives; None: a private temporary folder, removed by close()
    context: ssl.SSLContext = field(init=False)
    _owned: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.hosts = tuple(h.lower() for h in self.hosts)
        if self.folder is None:
            self.folder, self._owned = Path(tempfile.mkdtemp(prefix="simulator-tls-")), True
        try:
            make_test_ca(self.folder, self.hosts)
        except BaseException:
            self.close()
            raise
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(self.folder / "server.pem", self.folder / "server.key")

    @property
    def ca_file(self) -> Path:
        assert self.folder is not None
        return self.folder / CA_FILE

    def plays(self, authority: str) -> bool:
        """True for `host:443` where host is one of ours."""
        host, _, port = authority.rpartition(":")
        return port == "443" and host.lower() in self.hosts

    def close(self) -> None:
        if self._owned and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
