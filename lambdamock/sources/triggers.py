"""Events that other services push to a function (SNS, S3, EventBridge): the policy is checked, then an Event invocation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from lambdamock.errors import ResourceNotFoundException
from lambdamock.state import jobs, names
from lambdamock.state.functions import LATEST
from lambdamock.state.policies import Request

if TYPE_CHECKING:
    from lambdamock.state.service import Service

# The service principals that deliver, by the source's service name in its ARN.
PRINCIPALS = {"sns": "sns.amazonaws.com", "s3": "s3.amazonaws.com", "events": "events.amazonaws.com"}


@dataclass(frozen=True)
class Trigger:
    """An event another service sent to a function: invoked (``request_id``), or refused (``error`` says why)."""

    source_arn: str
    """What sent it: the SNS topic, the S3 bucket or the EventBridge rule."""
    function_arn: str
    """The function, version or alias it was sent to, as the source names it."""
    request_id: Optional[str] = None
    """The Event invocation's request id; None when it was refused."""
    error: Optional[str] = None
    """Why the function was not invoked: it does not exist, or its policy does not let the source invoke it."""


def owns(service: Service, function_arn: str) -> bool:
    """True when the ARN names a function of this mock's account (whether or not it exists)."""
    if not function_arn.startswith("arn:") or function_arn.split(":")[2:3] != ["lambda"]:
        return False
    parsed = names.parse(function_arn)
    return parsed is not None and parsed.account == service.account_id and parsed.region is not None


def refusal(service: Service, function_arn: str, source_arn: str, source_account: str) -> Optional[str]:
    """Why the source may not invoke the function (missing, or not allowed by its policy); None when it may."""
    parsed = names.parse(function_arn)
    if parsed is None or parsed.region is None:
        return f"not a function ARN: {function_arn}"
    with service.lock:
        region = service.region(parsed.region)
        found = region.functions.get(parsed.name)
        qualifier = parsed.qualifier
        if found is None or (qualifier is not None and found.get(qualifier) is None
                             and qualifier not in found.aliases):
            return f"Function not found: {function_arn}"
        if not service.trigger_permissions:
            return None
        policy = found.policies.get(qualifier or LATEST)
    wanted = Request("lambda:InvokeFunction", PRINCIPALS[source_arn.split(":")[2]], source_arn, source_account)
    if policy is None or not policy.allows(wanted):
        return f"the function's resource policy does not allow {wanted.principal} to invoke it from {source_arn}"
    return None


def deliver(service: Service, function_arn: str, payload: bytes, source_arn: str, source_account: str) -> Trigger:
    """Invoke the function asynchronously with ``payload``, as the source would; recorded either way."""
    error = refusal(service, function_arn, source_arn, source_account)
    request_id = None
    if error is None:
        parsed = names.parse(function_arn)
        assert parsed is not None and parsed.region is not None  # refusal() said so
        request_id = str(uuid.uuid4())
        try:
            job = jobs.job(service, service.region(parsed.region), parsed.name, parsed.qualifier,
                           payload, "Event", request_id)
        except ResourceNotFoundException as missing:  # deleted meanwhile
            error, request_id = missing.message, None
        else:
            service.invoker.submit(job)
    trigger = Trigger(source_arn, function_arn, request_id, error)
    service.triggers.append(trigger)
    return trigger
