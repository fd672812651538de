"""Turning a function reference into a runnable Job: shared by Invoke, InvokeAsync and mapping deliveries."""

from __future__ import annotations

from typing import Any, Optional

from lambdamock.operations._base import LATEST, Call, not_found, split_reference
from lambdamock.runtime import FunctionSpec, LayerSpec
from lambdamock.state.functions import Version
from lambdamock.state.invocations import Job


def spec(call: Call, version: Version) -> FunctionSpec:
    """What the runtime needs to run this version."""
    return FunctionSpec(
        function_name=version.name,
        function_arn=version.arn,
        version=version.version,
        handler=version.handler or "",
        runtime=version.runtime or "",
        code=version.code.zip,
        code_sha256=version.code.sha256,
        timeout=version.timeout,
        memory_size=version.memory_size,
        environment=version.environment or {},
        region=call.region.name,
        account_id=call.region.account_id,
        # Any change of code, configuration or layers makes a new $LATEST with its own LastModified.
        config_key=f"{version.code.sha256}@{version.last_modified.isoformat()}",
        code_dir=version.code.directory,
        # Another account's layers are only recorded: there is nothing of theirs to load.
        layers=tuple(
            LayerSpec(layer.code.zip, layer.code.sha256) for layer in version.layers if layer.code is not None
        ),
    )


def job(call: Call, reference: str, qualifier: Optional[str], payload: bytes, kind: str,
        client_context: Optional[dict[str, Any]] = None) -> Job:
    """A Job for the version the reference names; through a weighted alias each call draws its version."""
    name, qualifier = split_reference(call, reference, qualifier)
    with call.service.lock:
        found = call.region.functions.get(name)
        version = None
        if found is not None:
            alias = found.aliases.get(qualifier) if qualifier is not None else None
            version = found.get(alias.draw(call.service.rng) if alias is not None else qualifier)
        if found is None or version is None:
            # Invoke names the version it looked for, $LATEST when unqualified.
            raise not_found(call, name, qualifier or LATEST)
        invoked = found.arn if qualifier is None else f"{found.arn}:{qualifier}"
        return Job(spec(call, version), call.region.gate, payload, call.request_id, invoked, qualifier, kind, client_context)
