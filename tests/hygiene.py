"""A pytest plugin (on for every run, see pyproject.toml): afterwards the process must be as before."""

from __future__ import annotations

import glob
import os
import sys
import tempfile
import threading
import time
from typing import Any

import botocore.endpoint
import botocore.session
import botocore.signers
import pytest

_BEFORE: dict[str, Any] = {}
# The session checked: an inline run inside it whose files find this project's ini (a TMPDIR under the project)
# loads this plugin again, in the same module.
_SESSION: dict[str, pytest.Session] = {}
_WORKER_PROBLEMS: list[str] = []


def _lambdamock_threads() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name.startswith("lambdamock")]


def _temporary_dirs() -> list[str]:
    # Only this process's trees: other test processes (xdist workers) may be running.
    return glob.glob(os.path.join(tempfile.gettempdir(), f"lambdamock-{os.getpid()}-*"))


def _finders() -> list[Any]:
    # lambdamock's own in the import system (others come and go: setuptools', wrapt's post-import hooks).
    return [found for found in [*sys.meta_path, *sys.path_hooks]
            if str(getattr(found, "__module__", None) or type(found).__module__).startswith("lambdamock")]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _cores() -> Any:
    return os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None


def pytest_sessionstart(session: pytest.Session) -> None:
    if "session" in _SESSION:  # a session inside this one: pytester's inline run, in a folder under this project
        return
    _SESSION["session"] = session
    _BEFORE.update(
        send=vars(botocore.endpoint.Endpoint)["_do_get_response"],
        sign=vars(botocore.signers.RequestSigner)["sign"],
        session=dict(vars(botocore.session.Session)),
        environ=(os.environ, os.environ._data, dict(os.environ)),  # type: ignore[attr-defined]
        streams=(sys.stdout, sys.stderr),
        path=list(sys.path),
        directory=os.getcwd(),
        umask=_umask(),
        temporary=set(_temporary_dirs()),
        cores=_cores(),
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _SESSION.get("session") is not session:
        return
    problems = []
    # Handler threads that tests released, or gave up on, may still be finishing (botocore is restored, and the
    # process's names put back, when the last of them ends): give them a moment.
    deadline = time.monotonic() + 5
    while _lambdamock_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    if _lambdamock_threads():
        problems.append(f"lambdamock threads still running: {_lambdamock_threads()}")
    if vars(botocore.endpoint.Endpoint)["_do_get_response"] is not _BEFORE["send"]:
        problems.append("botocore's Endpoint._do_get_response is still patched")
    if vars(botocore.signers.RequestSigner)["sign"] is not _BEFORE["sign"]:
        problems.append("botocore's RequestSigner.sign is still patched")
    for name in ("create_client", "get_credentials"):
        if vars(botocore.session.Session)[name] is not _BEFORE["session"][name]:
            problems.append(f"botocore's Session.{name} is still patched")
    # aiobotocore's modules imported at some point of the run: their methods as they were.
    for module, owner, name in (("aiobotocore.endpoint", "AioEndpoint", "_do_get_response"),
                                ("aiobotocore.signers", "AioRequestSigner", "sign"),
                                ("aiobotocore.session", "AioSession", "_create_client"),
                                ("aiobotocore.session", "AioSession", "get_credentials")):
        if module in sys.modules:
            import wrapt

            if isinstance(vars(getattr(sys.modules[module], owner))[name], wrapt.ObjectProxy):
                problems.append(f"aiobotocore's {owner}.{name} is still patched")
    environ, data, values = _BEFORE["environ"]
    # pytest sets PYTEST_CURRENT_TEST itself.
    changed = {k for k in {*values, *os.environ} if values.get(k) != os.environ.get(k)} - {"PYTEST_CURRENT_TEST"}
    if os.environ is not environ or os.environ._data is not data or changed:  # type: ignore[attr-defined]
        problems.append(f"os.environ changed: {sorted(changed)}")
    if (sys.stdout, sys.stderr) != _BEFORE["streams"]:
        problems.append("sys.stdout/sys.stderr were not restored")
    if sys.path != _BEFORE["path"]:
        problems.append(f"sys.path changed: {set(sys.path) ^ set(_BEFORE['path'])}")
    if _finders():
        problems.append(f"lambdamock's finders are still in sys.meta_path or sys.path_hooks: {_finders()}")
    if (os.getcwd(), _umask()) != (_BEFORE["directory"], _BEFORE["umask"]):
        problems.append("the working directory or the umask changed")
    if _cores() != _BEFORE["cores"]:
        problems.append(f"the test thread's cores changed: {_BEFORE['cores']} -> {_cores()}")
    leaked = set(_temporary_dirs()) - _BEFORE["temporary"]
    if leaked:
        problems.append(f"temporary directories left behind: {sorted(leaked)}")
    modules = [name for name, module in sys.modules.items() if "lambdamock-" in str(getattr(module, "__file__", ""))]
    if modules:
        problems.append(f"handler modules left in sys.modules: {modules}")
    if hasattr(session.config, "workeroutput"):
        # An xdist worker: its controller reports (see pytest_testnodedown).
        session.config.workeroutput["hygiene"] = problems
        return
    problems += _WORKER_PROBLEMS
    if problems:
        print("\nHYGIENE PROBLEMS (lambdamock left the process changed):\n" + "\n".join(problems))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist's controller: collect what each worker found."""
    _WORKER_PROBLEMS.extend(f"[{node.gateway.id}] {problem}" for problem in node.workeroutput.get("hygiene", []))
