"""Where an Event invocation's outcome goes: its destinations and the dead-letter queue, in AWS's record shapes."""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any, Mapping, Optional

from lambdamock import ids
from lambdamock.state import jobs
from lambdamock.state.event_queue import SUCCESS, ZERO_RESERVED
from lambdamock.state.functions import LATEST
from lambdamock.state.invocations import Delivery, Invocation, Job

if TYPE_CHECKING:
    from lambdamock.state.service import Service

# SQS and SNS message attributes, in the wire form boto3 takes: name -> (DataType, value).
Attributes = Mapping[str, tuple[str, str]]
_ERROR_MESSAGE_BYTES = 1024  # a dead letter carries the first 1 KB of the error message
_log = logging.getLogger("lambdamock")


def _parts(arn: str) -> list[str]:
    return arn.split(":", 5)


def send_message(service: Service, arn: str, body: str, attributes: Optional[Attributes] = None,
                 trace: Optional[str] = None) -> None:
    """A message to an SQS queue (an in-process one, or through the gate) or an SNS topic; raises when it cannot.

    ``trace`` is an X-Ray trace header, which an SQS queue of the gate's keeps as the AWSTraceHeader attribute.
    """
    local = service.local_sources.get(arn)
    if local is not None and hasattr(local, "send"):
        local.send(body, attributes={name: {"DataType": kind, "StringValue": value}
                                     for name, (kind, value) in (attributes or {}).items()})
        return
    parts = _parts(arn)
    wire = {name: {"DataType": kind, "StringValue": value} for name, (kind, value) in (attributes or {}).items()}
    client = service.outbound.client(parts[2], parts[3])
    if parts[2] == "sns":
        client.publish(TopicArn=arn, Message=body, **({"MessageAttributes": wire} if wire else {}))
        return
    url = client.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
    extra: dict[str, Any] = {"MessageAttributes": wire} if wire else {}
    if trace is not None:
        extra["MessageSystemAttributes"] = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}}
    client.send_message(QueueUrl=url, MessageBody=body, **extra)


def put_object(service: Service, bucket_arn: str, region: str, key: str, body: str) -> None:
    """An object in an S3 bucket (through the gate); raises when it cannot."""
    service.outbound.client("s3", region).put_object(Bucket=_parts(bucket_arn)[5], Key=key, Body=body.encode())


def _payload(data: bytes) -> Any:
    # What the event or the result was, as JSON; an empty event is {} (LocalStack's test_reserved_concurrency).
    try:
        return json.loads(data) if data else {}
    except ValueError:
        return data.decode("utf-8", "replace")


def record(job: Job, condition: str, attempts: int, last: Optional[Invocation]) -> dict[str, Any]:
    """AWS's invocation record (recorded: LocalStack test_lambda_destinations.snapshot.json)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    out: dict[str, Any] = {
        "version": "1.0",
        "timestamp": stamp,
        "requestContext": {
            "requestId": job.request_id,
            "functionArn": f"{job.spec.function_arn}:{job.qualifier or LATEST}",
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": _payload(job.event),
    }
    if last is not None:
        response: dict[str, Any] = {"statusCode": 200, "executedVersion": last.executed_version}
        if last.function_error:
            response["functionError"] = last.function_error
        out["responseContext"] = response
        out["responsePayload"] = _payload(last.payload) if last.payload != b"null" else None
    return out


class Destinations:
    """Sends an Event invocation's outcome to its destination and its dead-letter queue (the EventQueue's Outcomes)."""

    def __init__(self, service: Service) -> None:
        self._service = service

    def finished(self, job: Job, condition: str, attempts: int, last: Optional[Invocation]) -> tuple[Delivery, ...]:
        name = job.spec.function_name
        with self._service.lock:
            config = job.region.invoke_configs.effective(name, job.qualifier)
            found = job.region.functions.get(name)
            # The dead-letter queue is the version's that ran: "a dead-letter queue is part of a function's
            # version-specific configuration, so it is locked in when you publish a version" (invocation-async).
            ran = found.get(job.spec.version) if found else None
            dead_letter = (ran.settings.get("DeadLetterConfig") or {}).get("TargetArn") if ran else None
        shown = record(job, condition, attempts, last)
        deliveries: list[Delivery] = []
        if condition == SUCCESS:
            if config.on_success:
                deliveries.append(self._deliver("OnSuccess", config.on_success, job, shown))
            return tuple(deliveries)
        if config.on_failure:
            deliveries.append(self._deliver("OnFailure", config.on_failure, job, shown))
        if dead_letter:
            # Both get the event when both are set: "destinations in addition to or instead of a dead-letter queue".
            deliveries.append(self._dead_letter(dead_letter, job, condition, last))
        return tuple(deliveries)

    def _deliver(self, kind: str, target: str, job: Job, shown: dict[str, Any]) -> Delivery:
        try:
            self._send(target, job, shown)
        except Exception as error:  # the record is lost, as on AWS; the test is told why
            return _lost(kind, target, job, error)
        return Delivery(kind, target)

    def _send(self, target: str, job: Job, shown: dict[str, Any]) -> None:
        parts = _parts(target)
        service = parts[2]
        text = json.dumps(shown)
        if service in ("sqs", "sns"):
            # Recorded: an SQS destination's message carries an AWSTraceHeader (TestLambdaDestinationSqs).
            send_message(self._service, target, text, trace=ids.trace_header())
        elif service == "lambda":
            # Another function of the mock gets the record as its event, asynchronously.
            name, _, qualifier = parts[5].partition(":")[2].partition(":")
            region = self._service.region(parts[3])
            self._service.invoker.submit(jobs.job(self._service, region, name, qualifier or None, text.encode(),
                                                  "Event", ids.request_id(), chain=job.lineage))
        elif service == "events":
            # Recorded: TestLambdaDestinationEventbridge — source "lambda", the bus then the function in resources.
            outcome = "Success" if shown["requestContext"]["condition"] == SUCCESS else "Failure"
            entry = {"Source": "lambda", "DetailType": f"Lambda Function Invocation Result - {outcome}",
                     "Detail": text, "Resources": [target, shown["requestContext"]["functionArn"]],
                     "EventBusName": target}
            answer = self._service.outbound.client("events", parts[3]).put_events(Entries=[entry])
            if answer.get("FailedEntryCount"):
                raise RuntimeError(f"EventBridge refused the event: {answer['Entries']}")
        elif service == "s3":
            now = datetime.datetime.now(datetime.timezone.utc)
            key = (f"aws/lambda/async/{job.spec.function_name}/{now:%Y/%m/%d}/"
                   f"{now:%Y-%m-%dT%H.%M.%S}-{uuid.uuid4()}")
            put_object(self._service, target, job.region.name, key, text)
        else:
            raise ValueError(f"lambdamock cannot send to {target}")

    def _dead_letter(self, target: str, job: Job, condition: str, last: Optional[Invocation]) -> Delivery:
        # The event as it was sent, with AWS's attributes (recorded: TestLambdaDLQ::test_dead_letter_queue).
        error = last.error if last is not None and last.function_error else None
        if error is not None:
            code, message = "200", str(error.get("errorMessage") or error.get("errorType") or "Unhandled")
        else:  # never run: throttled to the end, or a reservation of 0
            code, message = "429", "Rate Exceeded." if condition == ZERO_RESERVED else "Event age exceeded."
        attributes = {"RequestID": ("String", job.request_id), "ErrorCode": ("Number", code),
                      "ErrorMessage": ("String", message.encode()[:_ERROR_MESSAGE_BYTES].decode("utf-8", "ignore"))}
        try:
            send_message(self._service, target, (job.event or b"{}").decode("utf-8", "replace"), attributes)
        except Exception as failure:
            return _lost("DeadLetter", target, job, failure)
        return Delivery("DeadLetter", target)


def _lost(kind: str, target: str, job: Job, error: Exception) -> Delivery:
    """A delivery that failed: shown on the invocation, and logged so that a test's output says so."""
    reason = f"{type(error).__name__}: {error}"
    _log.warning("%s record of %s (request %s) not delivered to %s: %s", kind, job.spec.function_name,
                 job.request_id, target, reason)
    return Delivery(kind, target, reason)
