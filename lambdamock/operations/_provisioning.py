"""Bringing a provisioned-concurrency config to READY: its environments are initialised in the background."""

from __future__ import annotations

from lambdamock.errors import MockStoppedError, ResourceConflictException
from lambdamock.operations._base import Call
from lambdamock.state.concurrency import Provisioned
from lambdamock.state.functions import Function
from lambdamock.state.jobs import spec

# What AWS reports when the function's initialisation fails.
INIT_FAILURE = "FUNCTION_ERROR_INIT_FAILURE"
UNPUBLISHED = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."


def check_conflicts(found: Function, configs: dict[str, Provisioned], qualifier: str, version: str) -> None:
    """One config to a version: AWS's 409 when another alias's, or the version's own, covers ``version``."""
    for other in configs.values():
        if other.qualifier == qualifier or (other.moving_to or other.version) != version:
            continue
        if qualifier in found.aliases:
            raise ResourceConflictException(
                "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version"
            )
        raise ResourceConflictException("Version is pointed by a Provisioned Concurrency alias")


def provision(call: Call, found: Function, config: Provisioned) -> None:
    """Register ``config`` (IN_PROGRESS) and initialise its environments on a background thread.

    A config moving with its alias (``moving_to``) keeps its version's environments and allocation until
    the new version's are initialised, as AWS reports them (LocalStack test_lambda.snapshot.json,
    test_lambda_provisioned_concurrency_moves_with_alias). The caller holds the service lock;
    ``LambdaMock.wait()`` covers the initialisation.
    """
    config.status, config.reason = "IN_PROGRESS", None
    if config.moving_to is None:
        config.allocated = 0
    call.region.gate.configure(found.name, config)
    version = config.moving_to or config.version
    # The version it applies to gets a new RevisionId (recorded: test_lambda_provisioned_concurrency_moves_with_alias,
    # get_function_before_provisioned and _after_provisioned).
    found.versions[version] = found.versions[version].settled()
    target = spec(found.versions[version], call.region)
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
            config.version, config.moving_to = version, None
            if failure is None:
                config.status, config.allocated = "READY", config.requested
            else:
                config.status, config.allocated, config.reason = "FAILED", 0, INIT_FAILURE
        call.region.gate.changed()

    invoker.background(work, "lambdamock-provision")
