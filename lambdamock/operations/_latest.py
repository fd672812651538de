"""A function's $LATEST from a request's configuration: shared by CreateFunction and the 2014 UploadFunction."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from lambdamock.operations._base import LATEST, Call
from lambdamock.state.functions import Code, Version
from lambdamock.state.layers import LayerVersion


def configured(params: Mapping[str, Any]) -> dict[str, Any]:
    """Version attributes from the members both APIs share; Lambda's defaults for those left out."""
    return {
        "runtime": params.get("Runtime"),
        "handler": params.get("Handler"),
        "role": params["Role"],
        "description": params.get("Description", ""),
        "timeout": params.get("Timeout", 3),
        "memory_size": params.get("MemorySize", 128),
    }


def default_settings(name: str) -> dict[str, Any]:
    """What Lambda sets up for every new function beyond the request."""
    return {"LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}}


def first(
    call: Call,
    name: str,
    params: Mapping[str, Any],
    code: Code,
    *,
    settings: Mapping[str, Any],
    environment: Optional[Mapping[str, str]] = None,
    package_type: str = "Zip",
    layers: tuple[LayerVersion, ...] = (),
) -> Version:
    """The first $LATEST of a new function ``name``."""
    created = Version(
        name=name, arn=call.arn(name), version=LATEST, code=code, package_type=package_type, **configured(params)
    )
    return created.changed(environment=environment, settings=settings, layers=layers)
