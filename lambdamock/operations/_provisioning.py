"""Bringing a provisioned-concurrency config to READY: its environments are initialised in the background."""

from __future__ import annotations

from lambdamock.errors import MockStoppedError
from lambdamock.operations._base import Call
from lambdamock.state.concurrency import Provisioned
from lambdamock.state.functions import Function
from lambdamock.state.jobs import spec

# What AWS reports when the function's initialisation fails.
INIT_FAILURE = "FUNCTION_ERROR_INIT_FAILURE"


def provision(call: Call, found: Function, config: Provisioned) -> None:
    """Register ``config`` (IN_PROGRESS) and initialise its environments on a background thread.

    The caller holds the service lock; ``LambdaMock.wait()`` covers the initialisation.
    """
    config.status, config.allocated, config.reason = "IN_PROGRESS", 0, None
    call.region.gate.configure(found.name, config)
    target = spec(found.versions[config.version], call.region)
    invoker = call.service.invoker

    def work() -> None:
        try:
            # A config that is replaced starts from fresh environments.
            invoker.runtime.retire(target.function_arn, target.version)
            failure = invoker.runtime.prewarm(target, config.requested)
        except MockStoppedError:  # the mock stopped meanwhile: invoker.runtime refuses
            return
        with call.service.lock:
            if call.region.gate.provisioned.get(found.name, {}).get(config.qualifier) is not config:
                return  # deleted or replaced while it initialised
            if failure is None:
                config.status, config.allocated = "READY", config.requested
            else:
                config.status, config.reason = "FAILED", INIT_FAILURE
        call.region.gate.changed()

    invoker.background(work, "lambdamock-provision")
