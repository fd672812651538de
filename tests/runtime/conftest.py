"""Fixtures for runtime tests: in-memory zips, FunctionSpecs and a Runtime that is always closed."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence

import pytest

from lambdamock import package
from lambdamock.runtime import FunctionSpec, LayerSpec, Runtime
from lambdamock.runtime.waits import blocking

ACCOUNT = "123456789012"


def make_spec(
    files: Mapping[str, str],
    *,
    name: str = "fn",
    handler: str = "app.handler",
    version: str = "$LATEST",
    runtime: str = "python3.12",
    timeout: int = 3,
    memory_size: int = 128,
    environment: Optional[Mapping[str, str]] = None,
    config_key: Optional[str] = None,
    layers: Sequence[Mapping[str, str]] = (),
) -> FunctionSpec:
    """A FunctionSpec for code made of `files` (and layers made of `layers`); config_key defaults to one derived from everything."""
    code = package(files)
    sha = _sha(code)
    zips = [package(layer) for layer in layers]
    environment = dict(environment or {})
    shas = [_sha(data) for data in zips]
    key = config_key or f"{sha}|{handler}|{runtime}|{timeout}|{memory_size}|{sorted(environment.items())}|{shas}"
    return FunctionSpec(
        function_name=name,
        function_arn=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}",
        version=version,
        handler=handler,
        runtime=runtime,
        code=code,
        code_sha256=sha,
        timeout=timeout,
        memory_size=memory_size,
        environment=environment,
        region="us-east-1",
        account_id=ACCOUNT,
        config_key=key,
        layers=tuple(LayerSpec(data, digest) for data, digest in zip(zips, shas)),
    )


def _sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


_counter = iter(range(10**9))


def invoke(runtime: Runtime, spec: FunctionSpec, payload: bytes = b"{}", **kwargs: Any) -> Any:
    """Invoke with a fresh request id and the unqualified ARN."""
    kwargs.setdefault("request_id", f"00000000-0000-0000-0000-{next(_counter):012d}")
    kwargs.setdefault("invoked_function_arn", spec.function_arn)
    return blocking(runtime.steps(spec, payload, **kwargs))


def failure(runtime: Runtime, files: Dict[str, str], payload: bytes = b"{}", **spec_args: Any) -> Dict[str, Any]:
    """The error document of an invocation that must fail, with its log under ``_log``."""
    result = invoke(runtime, make_spec(files, **spec_args), payload, request_id="rid-e")
    assert result.function_error == "Unhandled"
    document: Dict[str, Any] = json.loads(result.payload)
    document["_log"] = result.log
    return document


def invoke_all(runtime: Runtime, specs: Sequence[FunctionSpec]) -> List[bytes]:
    """Invoke every spec at once, each from its own thread; the payloads in spec order."""
    results: List[bytes] = [b""] * len(specs)

    def run(index: int) -> None:
        results[index] = invoke(runtime, specs[index]).payload

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(specs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    rt = Runtime()
    try:
        yield rt
    finally:
        rt.close()
        rt.unhook()


SpecFactory = Callable[..., FunctionSpec]


@pytest.fixture
def spec_for() -> SpecFactory:
    return make_spec


def handler_source(body: str, *, prelude: str = "") -> Dict[str, str]:
    """app.py whose handler(event, context) runs `body` (indented for you)."""
    indented = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return {"app.py": f"{prelude}\ndef handler(event, context):\n{indented}\n"}
