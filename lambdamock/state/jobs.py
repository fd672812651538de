"""Jobs: a function, version or alias made runnable; the one door for every invocation, whoever asks."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Optional

from lambdamock.errors import ResourceNotFoundException
from lambdamock.memo import per_object
from lambdamock.runtime import FunctionSpec, LayerSpec
from lambdamock.runtime.spec import LogSettings
from lambdamock.state import lineage, names
from lambdamock.state.functions import LATEST, Version
from lambdamock.state.invocations import Job

if TYPE_CHECKING:
    from lambdamock.state.service import Region, Service


# Versions are immutable (a change makes a new one), so each one's spec is made once.
@per_object
def spec(version: Version, region: Region) -> FunctionSpec:
    """What the runtime needs to run this version (of ``region``, where it was made)."""
    logging = version.settings.get("LoggingConfig") or {}
    group = logging.get("LogGroup")
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
        region=region.name,
        account_id=region.account_id,
        # Any change of code, configuration or layers makes a new $LATEST with its own LastModified.
        config_key=f"{version.code.sha256}@{version.last_modified.isoformat()}",
        code_dir=version.code.directory,
        # Another account's layers are only recorded: there is nothing of theirs to load.
        layers=tuple(
            LayerSpec(layer.code.zip, layer.code.sha256) for layer in version.layers if layer.code is not None
        ),
        logging=LogSettings(logging.get("LogFormat", "Text"), logging.get("ApplicationLogLevel"),
                            logging.get("SystemLogLevel"), None if group == f"/aws/lambda/{version.name}" else group),
        runtime_version_arn=version.runtime_version_arn,
        snap_start=version.snap_started,
        active_tracing=(version.settings.get("TracingConfig") or {}).get("Mode") == "Active",
        durable="DurableConfig" in version.settings,
        role=version.role,
    )


def job(service: Service, region: Region, name: str, qualifier: Optional[str], payload: bytes, kind: str,
        request_id: str, client_context: Optional[dict[str, Any]] = None,
        chain: Optional[lineage.Lineage] = None, trace: Optional[str] = None) -> Job:
    """A Job for the function ``name`` as ``qualifier`` names it; through a weighted alias each job draws its version.

    ``chain`` is the lineage of the event that causes it: by default, the invocation running on this
    thread's. ResourceNotFoundException, naming the version looked for ($LATEST when unqualified),
    when the function or version is missing.
    """
    with service.lock:
        found = region.functions.get(name)
        version = None
        if found is not None:
            alias = found.aliases.get(qualifier) if qualifier is not None else None
            version = found.get(alias.draw(service.rng) if alias is not None else qualifier)
        if found is None or version is None:
            arn = names.function_arn(region.partition, region.name, region.account_id, name)
            raise ResourceNotFoundException(f"Function not found: {arn}:{qualifier or LATEST}")
        invoked = found.arn if qualifier is None else f"{found.arn}:{qualifier}"
        counted = dict(lineage.current() if chain is None else chain)
        own = lineage.key(found.arn)
        counted[own] = counted.get(own, 0) + 1
        recursive = found.stops_recursive_loops and counted[own] > lineage.LIMIT
        return Job(spec(version, region), region, payload, request_id, invoked, qualifier, kind, client_context,
                   counted, recursive, trace, found, version.tenant_isolated)


def current(service: Service, job: Job) -> Job:
    """``job`` as Lambda runs a queued event when its turn comes: with the version its qualifier names then.

    $LATEST as it is by then, and an alias as it points by then (a version it no longer routes to is drawn
    again); a published version never changes. A function deleted meanwhile (or made again under its name)
    leaves the job as it was queued.
    """
    with service.lock:
        found = job.region.functions.get(job.spec.function_name)
        if found is None or found is not job.function:
            return job
        alias = found.aliases.get(job.qualifier) if job.qualifier is not None else None
        if alias is not None:
            drawn = job.spec.version
            version = found.get(drawn if drawn in alias.versions() else alias.draw(service.rng))
        elif job.qualifier is None or job.qualifier == LATEST:
            version = found.latest
        else:
            return job
        now = job.spec if version is None else spec(version, job.region)
    return job if now is job.spec else dataclasses.replace(job, spec=now)
