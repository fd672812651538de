"""moto's services calling moto's Lambda backend (CloudWatch Logs, Secrets Manager, ...): the mock's functions answer.

moto's services look a function up, invoke it, or send it log events through moto's own Lambda backend, not
through botocore; _moto.bridge wraps those backend methods with these, so that a function of an active mock
is found and run there.
"""

from __future__ import annotations

import contextvars
import json
import uuid
from typing import Any, Optional

from lambdamock import _active
from lambdamock._moto import _argument, _delivering, _refused, _serving
from lambdamock.sources import log_patterns

# The rotation under way on this thread.
_ROTATING: contextvars.ContextVar[Optional[_Rotation]] = contextvars.ContextVar("lambdamock_rotating", default=None)


def _reference(backend: Any, reference: str, qualifier: Optional[str]) -> str:
    """The function ARN that a name or ARN given to moto's Lambda backend (of one account and region) means."""
    from lambdamock import partitions
    from lambdamock.state import names

    if not reference.startswith("arn:"):
        region = backend.region_name
        reference = names.function_arn(partitions.of(region), region, backend.account_id, reference)
    return f"{reference}:{qualifier}" if qualifier and reference.count(":") == 6 else reference


def _existing(backend: Any, reference: Any, qualifier: Optional[str]) -> Optional[tuple[Any, str]]:
    """(the mock, the function ARN) when ``reference`` names an existing function of an active mock."""
    from lambdamock.sources import triggers

    if not isinstance(reference, str):
        return None
    function_arn = _reference(backend, reference, qualifier)
    service = _serving(function_arn)
    return None if service is None or not triggers.exists(service, function_arn) else (service, function_arn)


class _Function:
    """What moto's Lambda backend hands other moto services for a lambdamock function: it exists, and invokes."""

    def __init__(self, service: Any, function_arn: str) -> None:
        self._service = service
        self.function_arn = function_arn

    def invoke(self, body: Any, request_headers: Any, response_headers: Any) -> bytes:
        """moto's LambdaFunction.invoke: run it now (moto's callers wait for it) and answer its payload.

        What Invoke would refuse (throttled, a recursive loop, deleted meanwhile) is answered as a failed
        invocation: moto's callers read no errors, and a Python exception would surface in the test's call.
        """
        from lambdamock.errors import LambdaError
        from lambdamock.sources import triggers
        from lambdamock.state.concurrency import Throttled
        from lambdamock.state.lineage import RecursiveLoop

        payload = body.encode() if isinstance(body, str) else bytes(body or b"{}")
        rotation = _ROTATING.get()
        if rotation is not None:
            payload = rotation.event(payload)
        try:
            result = triggers.call(self._service, self.function_arn, payload,
                                   "" if rotation is None else rotation.secret_arn)
        except (Throttled, RecursiveLoop, LambdaError) as refused:
            if rotation is not None:
                raise _StepFailed() from refused
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": type(refused).__name__, "errorMessage": str(refused)}).encode()
        if result.function_error:
            if rotation is not None:
                raise _StepFailed()
            response_headers["x-amz-function-error"] = result.function_error
        return result.payload


def get_function(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # LambdaBackend.get_function(function_name_or_arn, qualifier=None): Secrets Manager, CloudWatch Logs, SES
    # and CloudFormation ask it whether a function exists (and some then invoke what it returns).
    found = _existing(instance, _argument(args, kwargs, 0, "function_name_or_arn"),
                      _argument(args, kwargs, 1, "qualifier"))
    return wrapped(*args, **kwargs) if found is None else _Function(*found)


def invoke(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # LambdaBackend.invoke(function_name, qualifier, body, headers, response_headers) -> payload
    found = _existing(instance, _argument(args, kwargs, 0, "function_name"), _argument(args, kwargs, 1, "qualifier"))
    if found is None:
        return wrapped(*args, **kwargs)
    return _Function(*found).invoke(_argument(args, kwargs, 2, "body"), _argument(args, kwargs, 3, "headers"),
                                    _argument(args, kwargs, 4, "response_headers"))


def _log_group_arn(backend: Any, group: str) -> str:
    from lambdamock import partitions

    region = backend.region_name
    return f"arn:{partitions.of(region)}:logs:{region}:{backend.account_id}:log-group:{group}:*"


@_delivering(0, "function_arn")
def send_log_event(service: Any, function_arn: str, instance: Any, args: Any, kwargs: Any) -> None:
    # LambdaBackend.send_log_event(function_arn, filter_name, log_group_name, log_stream_name, log_events):
    # a subscription filter's events, which CloudWatch Logs sends as an Event invocation.
    from lambdamock.sources import trigger_events, triggers

    group, name = _argument(args, kwargs, 2, "log_group_name"), _argument(args, kwargs, 1, "filter_name")
    # Only the events that match the filter's pattern, which moto does not apply (none: nothing is sent).
    matches = _pattern(instance, group, name)
    events = [event for event in _argument(args, kwargs, 4, "log_events") if matches(event["message"])]
    if not events:
        return
    event = trigger_events.logs(instance.account_id, group, _argument(args, kwargs, 3, "log_stream_name"), name, events)
    triggers.deliver(service, function_arn, json.dumps(event).encode(), _log_group_arn(instance, group),
                     instance.account_id)


def _pattern(backend: Any, group: str, name: str) -> log_patterns.Matcher:
    """The test of a subscription filter's pattern; every event passes a filter that moto no longer holds."""
    from moto.logs.models import logs_backends

    found = logs_backends[backend.account_id][backend.region_name].groups.get(group)
    subscription = found.subscription_filters.get(name) if found is not None else None
    return log_patterns.compile_pattern(subscription.filter_pattern if subscription is not None else "")


def put_subscription_filter(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # LogsBackend.put_subscription_filter(log_group_name, filter_name, filter_pattern, destination_arn, role_arn):
    # CloudWatch Logs checks that it may invoke the function before it takes the filter.
    name = _argument(args, kwargs, 0, "log_group_name")
    destination = _argument(args, kwargs, 3, "destination_arn")
    parts = destination.split(":") if isinstance(destination, str) else []
    service = _active.serving()
    if (service is not None and not service.closed and len(parts) >= 7 and parts[2] == "lambda"
            and parts[5] == "function" and parts[4] != instance.account_id):
        # Another account's function, even before the group is looked at (recorded: LocalStack
        # test_logs_subscription_filters.snapshot.json, test_put_subscription_filter_errors, 2026).
        from moto.logs.exceptions import LogsClientError

        raise LogsClientError(
            "AccessDeniedException",
            "Cross-account lambda invocation passing is not allowed. You must use DestinationPolicies to create "
            "cross account lambda triggers.",
        )
    # A missing group is moto's ResourceNotFoundException.
    if name in instance.groups and _refused(destination, lambda _: _log_group_arn(instance, name),
                                            instance.account_id):
        from moto.logs.exceptions import InvalidParameterException

        raise InvalidParameterException(
            "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to "
            "execute your function."
        )
    return wrapped(*args, **kwargs)


_ROTATE_PARAMETERS = ("secret_id", "client_request_token", "rotation_lambda_arn", "rotation_rules", "rotate_immediately")


def rotate_secret(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # SecretsManagerBackend.rotate_secret(secret_id, client_request_token=None, rotation_lambda_arn=None, ...):
    # Secrets Manager checks that it may invoke the rotation function, then moto runs its steps through it.
    secret_id = _argument(args, kwargs, 0, "secret_id")
    # moto's SecretsStore finds a secret by name or ARN through `in` and [], not through get().
    secret = instance.secrets[secret_id] if secret_id in instance.secrets else None  # noqa: SIM401
    # What Secrets Manager refuses before it looks at the function (a replica, a secret marked deleted) is moto's.
    if secret is None or not hasattr(secret, "rotation_lambda_arn") or secret.is_deleted():
        return wrapped(*args, **kwargs)
    function_arn = _argument(args, kwargs, 2, "rotation_lambda_arn") or secret.rotation_lambda_arn
    if _refused(function_arn, lambda _: secret.arn, instance.account_id):  # missing, too
        from moto.core.exceptions import JsonRESTError

        raise JsonRESTError("AccessDeniedException", _ROTATION_REFUSED)
    if not _argument(args, kwargs, 2, "rotation_lambda_arn"):
        # Without one, "the operation starts a rotation with the values already stored in the secret" (RotateSecret;
        # LocalStack test_rotate_secret_multiple_times_with_lambda_success, AWS-validated); moto would forget it.
        kwargs = {**dict(zip(_ROTATE_PARAMETERS, args)), **kwargs, "rotation_lambda_arn": function_arn}
        args = ()
    only_tested = _argument(args, kwargs, 4, "rotate_immediately") is False
    versions_before = set(secret.versions)
    token = _ROTATING.set(_Rotation(secret.arn))
    try:
        rotated = wrapped(*args, **kwargs)
        if only_tested:
            # "The test creates an AWSPENDING version of the secret and then removes it" (RotateSecret's
            # RotateImmediately); moto would leave it, and AWS would take it for a rotation still under way.
            for version_id in set(secret.versions) - versions_before:
                del secret.versions[version_id]
        return rotated
    except _StepFailed:
        # The rotation stops at the step that failed: the new version keeps AWSPENDING, and AWSCURRENT stays
        # where it was (AWS tries the whole rotation again later).
        pending = next((version_id for version_id, version in secret.versions.items()
                        if "AWSPENDING" in version["version_stages"]), None)
        return secret.to_short_dict(version_id=pending)
    finally:
        _ROTATING.reset(token)


class _Rotation:
    """A rotation under way: the secret's ARN (the source Lambda's policy is asked about) and its RotationToken."""

    def __init__(self, secret_arn: str) -> None:
        self.secret_arn = secret_arn
        # For the function to hand PutSecretValue (a RotationToken is 36 to 256 letters, digits and hyphens).
        self.token = str(uuid.uuid4())

    def event(self, payload: bytes) -> bytes:
        """moto's rotation event as Secrets Manager sends it: the secret's ARN, and the rotation's token."""
        return json.dumps({**json.loads(payload), "SecretId": self.secret_arn, "RotationToken": self.token}).encode()


class _StepFailed(Exception):
    """A rotation step's invocation failed: moto's rotation goes no further."""


# RotateSecret's refusal when the function is missing (recorded: LocalStack's test_secretsmanager.snapshot.json,
# test_rotate_secret_invalid_lambda_arn) or its policy leaves Secrets Manager out.
_ROTATION_REFUSED = (
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access "
    "to the principal secretsmanager.amazonaws.com."
)
