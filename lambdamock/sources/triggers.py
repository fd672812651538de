"""Events that other services push to a function: the policy is checked, then an Event (or, for some, a synchronous) invocation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from lambdamock import ids, partitions
from lambdamock.errors import ResourceNotFoundException
from lambdamock.state import jobs, lineage, names
from lambdamock.state.concurrency import Throttled
from lambdamock.state.functions import LATEST
from lambdamock.state.invocations import Job
from lambdamock.state.policies import Policy, Request

if TYPE_CHECKING:
    from lambdamock.runtime import InvocationResult
    from lambdamock.state.service import Service

# The service principals that deliver, by the source's service name in its ARN.
PRINCIPALS = {"sns": "sns.amazonaws.com", "s3": "s3.amazonaws.com", "events": "events.amazonaws.com",
              "logs": "logs.amazonaws.com", "secretsmanager": "secretsmanager.amazonaws.com"}


@dataclass(frozen=True)
class Trigger:
    """An event another service sent to a function: invoked (``request_id``), or refused (``error`` says why)."""

    source_arn: str
    """What sent it: the SNS topic, S3 bucket, EventBridge rule, log group or secret ("" when moto did not say)."""
    function_arn: str
    """The function, version or alias it was sent to, as the source names it."""
    request_id: Optional[str] = None
    """The Event invocation's request id; None when it was refused."""
    error: Optional[str] = None
    """Why the function was not invoked: missing, its policy refuses the source, or (synchronous calls) throttled."""


def owns(service: Service, function_arn: str) -> bool:
    """True when the ARN names a function of this mock's account (whether or not it exists)."""
    if not function_arn.startswith("arn:") or function_arn.split(":")[2:3] != ["lambda"]:
        return False
    parsed = names.parse(function_arn)
    return parsed is not None and parsed.account == service.account_id and parsed.region is not None


def _found(service: Service, function_arn: str) -> tuple[bool, Optional[Policy]]:
    """Whether the function (its version or alias, if the ARN names one) exists, and the policy that guards it."""
    parsed = names.parse(function_arn)
    if parsed is None or parsed.region is None or parsed.account != service.account_id:  # another account's: none
        return False, None
    with service.lock:
        found = service.region(parsed.region).functions.get(parsed.name)
        qualifier = parsed.qualifier
        if found is None or (qualifier is not None and found.get(qualifier) is None
                             and qualifier not in found.aliases):
            return False, None
        return True, found.policies.get(qualifier or LATEST)


def exists(service: Service, function_arn: str) -> bool:
    return _found(service, function_arn)[0]


def refusal(service: Service, function_arn: str, source_arn: str, source_account: str) -> Optional[str]:
    """Why the source may not invoke the function (missing, or not allowed by its policy); None when it may."""
    found, policy = _found(service, function_arn)
    if not found:
        return f"Function not found: {function_arn}"
    if not service.trigger_permissions:
        return None
    kind = source_arn.split(":")[2]
    principals = [PRINCIPALS[kind]]
    if kind == "logs":  # CloudWatch Logs is also granted by its regional name (older AWS guides)
        region = source_arn.split(":")[3]
        principals.append(f"logs.{region}.{partitions.dns_suffix(region)}")
    for principal in principals:
        if policy is not None and policy.allows(Request("lambda:InvokeFunction", principal, source_arn,
                                                        source_account)):
            return None
    return f"the function's resource policy does not allow {principals[0]} to invoke it from {source_arn}"


def _job(service: Service, function_arn: str, payload: bytes, kind: str, trace: Optional[str] = None) -> Job:
    parsed = names.parse(function_arn)
    assert parsed is not None and parsed.region is not None  # refusal() said so
    return jobs.job(service, service.region(parsed.region), parsed.name, parsed.qualifier, payload, kind,
                    ids.request_id(), trace=trace)


def deliver(service: Service, function_arn: str, payload: bytes, source_arn: str, source_account: str,
            trace: Optional[str] = None) -> Trigger:
    """Invoke the function asynchronously with ``payload``, as the source would; recorded either way.

    ``trace`` is the X-Ray trace header of the request that sent the event, when the source passes its trace on.
    """
    error = refusal(service, function_arn, source_arn, source_account)
    request_id = None
    if error is None:
        try:
            job = _job(service, function_arn, payload, "Event", trace)
        except ResourceNotFoundException as missing:  # deleted meanwhile
            error = missing.message
        else:
            request_id = job.request_id
            service.invoker.submit(job)
    trigger = Trigger(source_arn, function_arn, request_id, error)
    service.triggers.append(trigger)
    return trigger


def dropped(service: Service, function_arn: str, source_arn: str, why: str) -> Trigger:
    """An event the source did not send after all (``why``); recorded, as refusals are."""
    trigger = Trigger(source_arn, function_arn, error=why)
    service.triggers.append(trigger)
    return trigger


def call(service: Service, function_arn: str, payload: bytes, source_arn: str) -> InvocationResult:
    """Invoke the function synchronously for a source that waits for it (Secrets Manager's rotation); recorded.

    The caller checked refusal() first; ResourceNotFoundException if the function went meanwhile, and
    Invoke's refusals (Throttled, RecursiveLoop) are raised once recorded.
    """
    job = _job(service, function_arn, payload, "RequestResponse")
    try:
        result = service.invoker.run(job)
    except (Throttled, lineage.RecursiveLoop) as refused:
        service.triggers.append(Trigger(source_arn, function_arn, error=f"not run: {type(refused).__name__}"))
        raise
    service.triggers.append(Trigger(source_arn, function_arn, job.request_id))
    return result
