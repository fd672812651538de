"""Where lambdamock meets moto's internals; moto itself is imported only if already loaded.

Besides telling whether moto's mock is active, this routes the deliveries moto's SNS makes to
Lambda to lambdamock's functions, notes which handler's chain an SQS message continues (recursive
loop detection), and keeps a Kinesis PutRecords whole to its readers. Beside it: S3's deliveries
(and package downloads) in _moto_s3, EventBridge's in _moto_events; other services' lookups of a
function, CloudWatch Logs and Secrets Manager in _moto_lookups; roles and subnets in
_moto_resources; stacks in _moto_stack_models and _moto_stack_types (on _moto_stacks), their
custom resources in _moto_custom; tags in _moto_tagging. moto calls its own Lambda backend
directly, not through botocore, so these are wrappers around moto functions (moto 5.1 on), installed
once moto loads them.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
import threading
import weakref
from typing import Any, Callable, Iterator, Optional

from lambdamock import _active, _on_import, partitions


def active() -> bool:
    """True while moto's mock_aws (or a moto decorator) answers AWS calls in this process."""
    if "moto" not in sys.modules:
        return False  # moto was never imported, so it cannot be active
    from moto.core.models import botocore_stubber

    return bool(botocore_stubber.enabled)


_ended = 0  # how many times moto's mock ended, and its state with it


def ended() -> int:
    """How many times moto's mock ended: what was queued for it before the last end is for no one."""
    return _ended


def _stop(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    global _ended
    try:
        return wrapped(*args, **kwargs)
    finally:
        if not active():
            _ended += 1


def answer(client: Any) -> None:
    """Make moto answer ``client`` even if its session was made before moto was imported."""
    if "moto" in sys.modules:
        from moto.core import patch_client

        patch_client(client)


# The mock whose logs or metrics this thread ships (outbound.shipping sets it around a shipment).
_SHIPPING: contextvars.ContextVar[Optional[Any]] = contextvars.ContextVar("lambdamock_shipping", default=None)


@contextlib.contextmanager
def shipping(service: Any) -> Iterator[None]:
    """The calling thread ships for ``service`` meanwhile."""
    token = _SHIPPING.set(service)
    try:
        yield
    finally:
        _SHIPPING.reset(token)


def _stopped_own(function_arn: Any) -> bool:
    """True when a stopping mock's last shipment (its logs, as it stops) sets off a delivery to one of its functions:
    dropped, as its queued jobs are. moto's Lambda, which knows no such function, would fail on it."""
    from lambdamock.sources import triggers

    shipper = _SHIPPING.get()
    return (shipper is not None and shipper.closed and isinstance(function_arn, str)
            and triggers.owns(shipper, function_arn))


# -- deliveries to Lambda ---------------------------------------------------------------

# What moto knows of the SNS message being delivered, set around the delivery.
_SNS: contextvars.ContextVar[Optional[tuple[Any, str, Any]]] = contextvars.ContextVar("lambdamock_sns", default=None)
# Made on the first start: each of moto's modules that lambdamock wraps, and what wraps it.
_bridges: Optional[dict[str, list[Callable[[Any], None]]]] = None
_wrapped: dict[str, weakref.ref[Any]] = {}  # each module name: the module object wrapped under that name
_bridging = threading.Lock()  # guards the two above


def bridge() -> None:
    """Route moto's deliveries to lambdamock's functions: wrap moto's modules loaded now, and the others as they load.

    Called at every start: a module loaded again under its name (see _on_import) is wrapped in turn.
    """
    global _bridges
    with _bridging:
        if _bridges is None:
            _bridges = {}
            for name, install in _installs():
                _bridges.setdefault(name, []).append(install)
    _on_import.watch(_bridges, _wrap)


def _wrap(module: Any) -> None:
    """Install lambdamock's wrappers in one of moto's modules, unless that very module has them."""
    name = module.__name__
    with _bridging:
        assert _bridges is not None
        installed = _wrapped.get(name)
        if installed is not None and installed() is module:
            return
        _wrapped[name] = weakref.ref(module)
    for install in _bridges[name]:
        install(module)


def _installs() -> list[tuple[str, Callable[[Any], None]]]:
    """What is installed in each of moto's modules as it loads; each fails plainly where that moto lacks it."""
    from lambdamock import (
        _moto_custom,
        _moto_events,
        _moto_lookups,
        _moto_metrics,
        _moto_s3,
        _moto_stack_models,
        _moto_stack_types,
        _moto_stacks,
        _moto_tagging,
    )

    hooks: dict[str, list[tuple[str, Callable[..., Any]]]] = {
        "moto.core.botocore_stubber": [("BotocoreStubber.__call__", _stub)],
        "moto.core.models": [("MockAWS.stop", _stop)],
        "moto.sns.models": [("Subscription.publish", _subscription_publish)],
        "moto.awslambda.models": [("LambdaBackend.send_sns_message", _send_sns_message),
                                  ("LambdaBackend.get_function", _moto_lookups.get_function),
                                  ("LambdaBackend.invoke", _moto_lookups.invoke),
                                  ("LambdaBackend.send_log_event", _moto_lookups.send_log_event)],
        # moto's Lambda with "use_docker": False, which answers its services' invocations itself.
        "moto.awslambda_simple.models": [("LambdaSimpleBackend.invoke", _moto_lookups.invoke)],
        "moto.logs.models": [("LogsBackend.put_subscription_filter", _moto_lookups.put_subscription_filter)],
        "moto.secretsmanager.models": [("SecretsManagerBackend.rotate_secret", _moto_lookups.rotate_secret)],
        "moto.s3.notifications": [("send_event", _moto_s3.send_event), ("_invoke_awslambda", _moto_s3.invoke_awslambda)],
        "moto.s3.models": [("S3Backend.put_bucket_notification_configuration", _moto_s3.put_notifications),
                           ("S3Backend.complete_multipart_upload", _moto_s3.complete_multipart_upload),
                           ("S3Backend.delete_object", _moto_s3.delete_object)],
        "moto.s3.responses": [("S3Response._bucket_response_put", _moto_s3.bucket_put),
                              ("S3Response.key_response", _moto_s3.key_response),
                              ("S3Response.put_object", _moto_s3.object_stored),
                              ("S3Response.copy_object", _moto_s3.object_stored)],
        "moto.events.responses": [("EventsHandler.put_events", _moto_events.put_events_request)],
        "moto.events.models": [("Rule.send_to_targets", _moto_events.send_to_targets),
                               ("EventsBackend.put_events", _moto_events.put_events)],
        "moto.events.notifications": [("_send_safe_notification", _moto_events.events_notification),
                                      ("_invoke_lambda", _moto_events.events_invoke_lambda)],
        "moto.cloudwatch.models": [("CloudWatchBackend.get_metric_statistics", _moto_metrics.get_metric_statistics),
                                   ("CloudWatchBackend.get_all_metrics", _moto_metrics.get_all_metrics)],
        "moto.sqs.models": [("SQSBackend.send_message", _sqs_send_message)],
        "moto.kinesis.models": [("KinesisBackend.put_records", _whole_write),
                                ("KinesisBackend.get_records", _whole_write)],
        "moto.cloudformation.parsing": [("resource_class_from_type", _moto_stack_types.resource_class_from_type),
                                        ("ResourceMap.update", _moto_stacks.stack_update),
                                        ("ResourceMap.delete", _moto_custom.stack_delete)],
    }
    installs = [(module, _installer(wrappers)) for module, wrappers in hooks.items()]
    installs += [("moto.awslambda.models", _moto_stack_models.install),
                 ("moto.awslambda.models", _moto_tagging.install_lambda),
                 ("moto.resourcegroupstaggingapi.models", _moto_tagging.install_tagging),
                 ("moto.resourcegroupstaggingapi.responses", _moto_tagging.install_responses)]
    return [(module, _plainly(install)) for module, install in installs]


def _plainly(install: Callable[[Any], None]) -> Callable[[Any], None]:
    """``install``, failing with a plain reason where the moto loaded lacks what it wraps (a moto before 5.1)."""

    def installed(module: Any) -> None:
        try:
            install(module)
        except AttributeError as missing:
            version = getattr(sys.modules.get("moto"), "__version__", "of unknown version")
            raise ImportError(f"lambdamock works alongside moto 5.1 or later, and this moto ({version}) lacks what "
                              f"it wraps in {module.__name__}: {missing}. Upgrade it: pip install 'moto>=5.1'"
                              ) from missing

    return installed


# Set while the other before-send handlers see a request lambdamock answers: moto's leaves it alone.
_ANSWERED: contextvars.ContextVar[bool] = contextvars.ContextVar("lambdamock_answered", default=False)


class Answered:
    """While a request lambdamock answers goes past the other ``before-send`` handlers, moto's declines it."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _ANSWERED.set(True)

    def __exit__(self, *exc_info: object) -> None:
        _ANSWERED.reset(self._token)


def _stub(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # BotocoreStubber.__call__(event_name, request, **kwargs): None leaves the request to the next answer.
    return None if _ANSWERED.get() else wrapped(*args, **kwargs)


def _installer(wrappers: list[tuple[str, Callable[..., Any]]]) -> Callable[[Any], None]:
    def install(module: Any) -> None:
        import wrapt

        for name, wrapper in wrappers:
            wrapt.wrap_function_wrapper(module, name, wrapper)

    return install


def _answering(function_arn: Any) -> Any:
    """The active mock, for a Lambda ARN: every function is its to answer for, another account's too (none it has);
    None to leave the ARN to moto."""
    service = _active.serving()
    if service is None or service.closed or not isinstance(function_arn, str):
        return None
    return service if function_arn.split(":")[2:3] == ["lambda"] else None


def _serving(function_arn: Any) -> Any:
    """The active mock that owns this function ARN; None to leave the delivery to moto."""
    from lambdamock.sources import triggers

    service = _answering(function_arn)
    return service if service is not None and triggers.owns(service, function_arn) else None


def _refused(function_arn: Any, source_arn: Callable[[str], str], account: str) -> bool:
    """True when a mock serves Lambda and the Lambda ARN names none of its functions that lets the source invoke it.

    ``source_arn`` makes the source's ARN from the function's. A function of another account, or with a name
    Lambda never gives one, is none of the mock's. What is not a Lambda ARN is left to moto's own checks.
    """
    from lambdamock.sources import triggers

    service = _answering(function_arn)
    if service is None:
        return False
    return not triggers.owns(service, function_arn) or triggers.refusal(
        service, function_arn, source_arn(function_arn), account) is not None


def _argument(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str) -> Any:
    return args[index] if len(args) > index else kwargs.get(name)


def _subscription_publish(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # Subscription.publish(message, message_id, subject=None, message_attributes=None, ...)
    context = (instance, _argument(args, kwargs, 1, "message_id"), _argument(args, kwargs, 3, "message_attributes"))
    token = _SNS.set(context)
    try:
        return wrapped(*args, **kwargs)
    finally:
        _SNS.reset(token)


def _send_sns_message(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # LambdaBackend.send_sns_message(function_name, message, subject=None, qualifier=None): moto has
    # applied the filter policy and the message structure by now.
    context = _SNS.get()
    if context is None:
        return wrapped(*args, **kwargs)
    subscription, message_id, attributes = context
    # Another account's function too (none of the mock's): moto would look its name up in the topic's account, and
    # fail the Publish where that name is missing.
    service = _answering(subscription.endpoint)
    if service is None:
        return wrapped(*args, **kwargs)
    from lambdamock.sources import trigger_events, triggers

    topic = subscription.topic.arn
    message, subject = _argument(args, kwargs, 1, "message"), _argument(args, kwargs, 2, "subject")
    event = trigger_events.sns(subscription.arn, topic, str(message_id), message, subject, attributes)
    trigger = triggers.deliver(service, subscription.endpoint, json.dumps(event).encode(), topic, topic.split(":")[4])
    if trigger.error is not None:
        _redrive(service, subscription, message, str(message_id), subject, attributes)
    return None


def _redrive(service: Any, subscription: Any, message: str, message_id: str, subject: Optional[str],
             attributes: Any) -> None:
    """A message SNS could not deliver (no such function, no permission) goes to the subscription's dead-letter
    queue, when its RedrivePolicy names one, as the notification an SQS subscription gets (recorded: LocalStack
    test_sns.snapshot.json, test_redrive_policy_lambda_subscription, AWS 2023). moto redrives nothing."""
    policy = subscription.attributes.get("RedrivePolicy")
    if not policy:
        return
    from lambdamock.outbound import destinations

    target = None
    try:
        target = json.loads(policy)["deadLetterTargetArn"]
        # Only a queue can be one (AWS refuses any other ARN; moto checks none): never a topic to loop through.
        if not isinstance(target, str) or len(target.split(":")) != 6 or target.split(":")[2] != "sqs":
            raise ValueError("a dead-letter target is the ARN of an SQS queue")
        notification = subscription.get_post_data(message, message_id, subject, message_attributes=attributes)
        # Where moto's helper writes its own constants, the recorded notification has the subscription's region
        # and ARN, and signature version 1.
        region = subscription.arn.split(":")[3]
        host = f"https://sns.{region}.{partitions.dns_suffix(region)}"
        notification.update(SignatureVersion="1",
                            UnsubscribeURL=f"{host}/?Action=Unsubscribe&SubscriptionArn={subscription.arn}")
        destinations.send_message(service, target, json.dumps(notification))
    except Exception as error:  # lost, as on AWS; the test's output says why
        logging.getLogger("lambdamock").warning("SNS message %s not redriven to %s: %s: %s", message_id, target,
                                                type(error).__name__, error)


Delivery = Callable[[Any, str, Any, tuple[Any, ...], dict[str, Any]], None]


def _delivering(index: int, name: str) -> Callable[[Delivery], Callable[..., Any]]:
    """A wrapper that leaves a call to moto unless its argument ``index`` (``name``) is an active mock's function.

    For those, ``delivery(service, function_arn, instance, args, kwargs)`` runs instead, and the call returns None.
    """
    def wrap(delivery: Delivery) -> Callable[..., Any]:
        def wrapper(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
            function_arn = _argument(args, kwargs, index, name)
            service = _serving(function_arn)
            if service is None:
                if _stopped_own(function_arn):
                    return None
                return wrapped(*args, **kwargs)
            delivery(service, function_arn, instance, args, kwargs)
            return None

        return wrapper

    return wrap


def _sqs_send_message(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # SQSBackend.send_message(queue_name, message_body, ...) -> Message (SendMessageBatch sends each through it)
    message = wrapped(*args, **kwargs)
    from lambdamock.state import lineage

    lineage.remember([message.id])
    return message


# One PutRecords is one write: moto appends its records one by one, and a mapping's poller reading the shard
# meanwhile would deliver the write cut in two batches, which AWS does not.
_KINESIS_WRITES = threading.RLock()


def _whole_write(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # KinesisBackend.put_records(...) and get_records(...): one at a time.
    with _KINESIS_WRITES:
        return wrapped(*args, **kwargs)
