"""The events SNS, S3, EventBridge and CloudWatch Logs send to a function, in AWS's shapes, and EventBridge's target input options."""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import json
import re
import uuid
from typing import Any, Mapping, Optional
from urllib.parse import quote_plus

from lambdamock import partitions


def _now() -> str:
    """AWS's event time: ISO 8601 in UTC with milliseconds."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def sns(subscription_arn: str, topic_arn: str, message_id: str, message: str, subject: Optional[str],
        attributes: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    """One message as a Lambda subscription receives it (AWS's "Invoking Lambda with Amazon SNS")."""
    region = topic_arn.split(":")[3]
    host = f"https://sns.{region}.{partitions.dns_suffix(region)}"
    # A stand-in signature, stable per message: lambdamock signs nothing.
    signature = base64.b64encode(hashlib.sha256(message_id.encode()).digest() * 8).decode()
    return {"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription_arn,
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": topic_arn,
            "Subject": subject,
            "Message": message,
            "Timestamp": _now(),
            "SignatureVersion": "1",
            "Signature": signature,
            "SigningCertUrl": f"{host}/SimpleNotificationService-{hashlib.md5(region.encode()).hexdigest()}.pem",
            "UnsubscribeUrl": f"{host}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}",
            "MessageAttributes": dict(attributes or {}),
        },
    }]}


def bucket_arn(function_arn: str, bucket: str) -> str:
    """A bucket's ARN, in the partition of the function it notifies (which is the bucket's too)."""
    return f"arn:{function_arn.split(':')[1]}:s3:::{bucket}"


def s3(record: Mapping[str, Any], key: str, account_id: str, version_id: Optional[str],
       arn: str) -> dict[str, Any]:
    """An S3 notification record completed to AWS's shape (its "Event message structure"); ``arn`` is the bucket's."""
    found = record.get("s3") or {}
    bucket, obj = found.get("bucket") or {}, found.get("object") or {}
    owner = {"principalId": f"A{hashlib.sha256(account_id.encode()).hexdigest()[:13].upper()}"}
    detail: dict[str, Any] = {
        # The key URL-encoded as form data, with its slashes as they are.
        "key": quote_plus(key, safe="/"),
        "size": obj.get("size", 0),
        "eTag": obj.get("eTag", ""),
    }
    if version_id and version_id != "null":
        detail["versionId"] = version_id
    detail["sequencer"] = uuid.uuid4().hex[:18].upper()
    return {"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": record.get("awsRegion"),
        "eventTime": _now(),
        "eventName": record.get("eventName"),
        "userIdentity": {"principalId": f"AWS:{owner['principalId']}"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                             "x-amz-id-2": base64.b64encode(uuid.uuid4().bytes * 3).decode()},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": found.get("configurationId"),
            "bucket": {"name": bucket.get("name"), "ownerIdentity": owner,
                       "arn": arn},
            "object": detail,
        },
    }]}


def eventbridge(event: Mapping[str, Any]) -> dict[str, Any]:
    """An event as EventBridge delivers it (its "Amazon EventBridge events" structure): time in ISO 8601."""
    stamp = event.get("time")
    if isinstance(stamp, (int, float)):
        stamp = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    shaped = {key: event.get(key) for key in ("version", "id", "detail-type", "source", "account")}
    shaped.update({"time": stamp, "region": event.get("region"), "resources": list(event.get("resources") or []),
                   "detail": event.get("detail") or {}})
    if "replay-name" in event:
        shaped["replay-name"] = event["replay-name"]
    return shaped


_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_MISSING = object()


def logs(account_id: str, group: str, stream: str, filter_name: str, events: Any) -> dict[str, Any]:
    """A subscription filter's batch of log events: gzipped, base64-encoded JSON (AWS's "Using CloudWatch Logs
    subscription filters", example with AWS Lambda)."""
    data = {"messageType": "DATA_MESSAGE", "owner": account_id, "logGroup": group, "logStream": stream,
            "subscriptionFilters": [filter_name],
            "logEvents": [{"id": str(event["id"]), "timestamp": event["timestamp"], "message": event["message"]}
                          for event in events]}
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}


def _at(document: Any, path: str) -> Any:
    """The value at a JSONPath of EventBridge's subset ($, dots, [index]); _MISSING when there is none."""
    rest = path.strip()
    if not rest.startswith("$"):
        return _MISSING
    found = document
    for step in _STEP.finditer(rest, 1):
        name, index = step.groups()
        if name is not None and isinstance(found, dict) and name in found:
            found = found[name]
        elif index is not None and isinstance(found, list) and int(index) < len(found):
            found = found[int(index)]
        else:
            return _MISSING
    return found


def _filled(template: str, values: Mapping[str, Any]) -> str:
    """InputTemplate with its <name>s replaced: raw text inside a JSON string, JSON outside one."""
    out: list[str] = []
    inside = False
    index = 0
    while index < len(template):
        char = template[index]
        if char == "\\" and inside:
            out.append(template[index:index + 2])
            index += 2
            continue
        if char == '"':
            inside = not inside
        elif char == "<":
            end = template.find(">", index)
            name = template[index + 1:end] if end != -1 else ""
            if name in values:
                value = values[name]
                if inside:
                    out.append(json.dumps(value)[1:-1] if isinstance(value, str) else json.dumps(value))
                else:
                    out.append(json.dumps(value))
                index = end + 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


def target_input(target: Mapping[str, Any], event: Mapping[str, Any], rule_arn: str, rule_name: str) -> bytes:
    """What a rule's target receives: the event, or its Input, InputPath or InputTransformer (AWS's Target)."""
    if target.get("Input") is not None:
        return str(target["Input"]).encode()
    if target.get("InputPath"):
        found = _at(event, target["InputPath"])
        return json.dumps(None if found is _MISSING else found).encode()
    transformer = target.get("InputTransformer")
    if transformer:
        values: dict[str, Any] = {}
        for name, path in (transformer.get("InputPathsMap") or {}).items():
            found = _at(event, path)
            values[name] = None if found is _MISSING else found
        values.update({"aws.events.rule-arn": rule_arn, "aws.events.rule-name": rule_name,
                       "aws.events.event.ingestion-time": event.get("time"), "aws.events.event": dict(event),
                       "aws.events.event.json": dict(event)})
        return _filled(str(transformer.get("InputTemplate", "")), values).encode()
    return json.dumps(event).encode()
