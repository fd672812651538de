"""The escape detector: every HTTP(S) connection goes to a loopback proxy that records it and answers 403."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest

# Fake, well-formed credentials, as test suites set them: clients are made without instance-metadata
# lookups, so whatever reaches the proxy was a real attempt to call a service.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


class Proxy:
    """A loopback listener; ``attempts`` holds the first line of every connection made to it."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self.attempts: list[str] = []
        self._thread = threading.Thread(target=self._serve, name="escape-proxy", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:
                return  # closed
            with connection:
                connection.settimeout(2)
                try:
                    head = connection.recv(4096)
                except OSError:
                    head = b""
                self.attempts.append(head.split(b"\r\n", 1)[0].decode("latin-1") or "<no request line>")
                with contextlib.suppress(OSError):
                    connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() in progress
        self._server.close()
        self._thread.join(5)


@pytest.fixture
def escapes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    """Route all HTTP(S) traffic of clients made from now on through a recording loopback proxy."""
    proxy = Proxy()
    for name in ("NO_PROXY", "no_proxy", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, proxy.url)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    try:
        yield proxy
    finally:
        proxy.close()


# A credential process that calls out, as such programs do: it asks the proxy for credentials.
_PROCESS = """import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as connection:
    connection.sendall(b"GET /credential-process HTTP/1.1\\r\\n\\r\\n")
    connection.recv(100)
"""


@pytest.fixture
def keyless(escapes: Proxy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Proxy:
    """``escapes`` on a machine with no AWS keys: none in variables, no shared files."""
    for name in (*CREDENTIALS, "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_EC2_METADATA_DISABLED",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return escapes


@pytest.fixture(params=["nothing configured", "a container's endpoint", "a role sourced from instance metadata",
                        "a credential process"])
def unconfigured(request: pytest.FixtureRequest, keyless: Proxy, monkeypatch: pytest.MonkeyPatch,
                 tmp_path: Path) -> Proxy:
    """``keyless``, where finding credentials means asking the network: with nothing configured, botocore's
    chain ends at instance metadata (through the proxy); or the proxy is the container's credentials
    endpoint; or the profile's role takes its source credentials from instance metadata; or the profile
    names a credential process that calls the proxy."""
    config = tmp_path / "config"
    if request.param == "a container's endpoint":
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{keyless.url}/credentials")
    elif request.param == "a role sourced from instance metadata":
        config.write_text("[default]\nrole_arn = arn:aws:iam::123456789012:role/tests\n"
                          "credential_source = Ec2InstanceMetadata\n")
    elif request.param == "a credential process":
        program = tmp_path / "credentials.py"
        program.write_text(_PROCESS)
        port = keyless.url.rsplit(":", 1)[1]
        config.write_text(f"[default]\ncredential_process = {sys.executable} {program} {port}\n")
    return keyless
