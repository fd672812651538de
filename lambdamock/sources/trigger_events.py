"""The events SNS, S3, EventBridge and CloudWatch Logs send to a function, in AWS's shapes, and EventBridge's target input options."""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import itertools
import json
import re
import time
import uuid
from typing import Any, Mapping, NamedTuple, Optional
from urllib.parse import quote_plus

from lambdamock import ids, partitions

# S3's sequencer: "a string representation of a hexadecimal value used to determine event sequence" ("Event
# message structure"), so later events of a key compare greater, as hex strings of one length do.
_SEQUENCER = itertools.count(time.time_ns() // 1000)
_LOG_EVENTS = itertools.count()  # tells apart the ids of log events of one millisecond


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
    detail = _object(str(record.get("eventName") or ""), quote_plus(key, safe="/"), obj, version_id)
    return {"Records": [{
        "eventVersion": _event_version(str(record.get("eventName") or "")),
        "eventSource": "aws:s3",
        "awsRegion": record.get("awsRegion"),
        "eventTime": _now(),
        "eventName": record.get("eventName"),
        "userIdentity": {"principalId": f"AWS:{owner['principalId']}"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": ids.s3_request_id(),
                             "x-amz-id-2": base64.b64encode(uuid.uuid4().bytes * 3).decode()},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": found.get("configurationId"),
            "bucket": {"name": bucket.get("name"), "ownerIdentity": owner,
                       "arn": arn},
            "object": detail,
        },
    }]}


def _event_version(event_name: str) -> str:
    """2.3 for tagging, ACL, lifecycle, Intelligent-Tiering and restore-expiry events, 2.2 for replication ones,
    2.1 otherwise ("Event message structure"; recorded: LocalStack test_s3_notifications_sqs.snapshot.json, the
    tagging and put_acl tests, "eventVersion": "2.3")."""
    if event_name.startswith(("ObjectTagging:", "ObjectAcl:", "LifecycleExpiration:", "LifecycleTransition",
                              "IntelligentTiering", "ObjectRestore:Delete")):
        return "2.3"
    return "2.2" if event_name.startswith("Replication:") else "2.1"


def sequencer() -> str:
    """A new S3 sequencer."""
    return f"{next(_SEQUENCER):018X}"


def _object(event_name: str, key: str, obj: Mapping[str, Any], version_id: Optional[str]) -> dict[str, Any]:
    """The record's object: which fields it has depends on the event (recorded: LocalStack's
    test_s3_notifications_sqs.snapshot.json); the key is URL-encoded as form data, slashes kept."""
    version = {"versionId": version_id} if version_id and version_id != "null" else {}
    sequenced = {"sequencer": sequencer()}
    etag = {"eTag": obj.get("eTag", "")}
    if event_name == "ObjectRemoved:Delete":
        return {"key": key, **version, **sequenced}
    if event_name == "ObjectRemoved:DeleteMarkerCreated":
        return {"key": key, **etag, **version, **sequenced}
    if event_name.startswith(("ObjectTagging:", "ObjectAcl:")):
        return {"key": key, **etag, **version}
    return {"key": key, "size": obj.get("size", 0), **etag, **version, **sequenced}


# S3's "reason" for the object events it sends EventBridge ("EventBridge event message structure"; recorded:
# LocalStack's test_s3_notifications_eventbridge.snapshot.json, "PutObject" and "DeleteObject").
_S3_REASONS = {"ObjectCreated:Put": "PutObject", "ObjectCreated:Post": "POST Object", "ObjectCreated:Copy": "CopyObject",
               "ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
               "ObjectRemoved:Delete": "DeleteObject"}


class StoredObject(NamedTuple):
    """What S3's EventBridge events tell of the object: its key, size, ETag and version (None when unversioned or
    suspended), its storage class, and when a restored copy expires (None unless restored)."""

    key: str
    size: int
    etag: str
    version_id: Optional[str]
    storage_class: str
    restore_expiry: Optional[datetime.datetime]


def s3_detail(detail: Mapping[str, Any], event_name: str, stored: StoredObject, sequenced: str,
              deletion: str) -> dict[str, Any]:
    """The detail of the EventBridge event S3 sends for its notification ``event_name``, from ``detail``: which
    object fields it has, and whether a reason and a deletion type (``deletion``), depend on the event (recorded:
    LocalStack's test_s3_notifications_eventbridge.snapshot.json, Object Created, Deleted, ACL Updated and Restore
    Initiated and Completed). The other events' detail is left as it is."""
    kind = event_name.split(":", 1)[0]
    if kind not in ("ObjectCreated", "ObjectRemoved", "ObjectAcl", "ObjectTagging", "ObjectRestore"):
        return dict(detail)
    found: dict[str, Any] = {"key": stored.key}
    if kind in ("ObjectCreated", "ObjectRestore"):
        found["size"] = stored.size
    if kind != "ObjectRemoved":
        found["etag"] = stored.etag
    if stored.version_id and stored.version_id != "null":
        found["version-id"] = stored.version_id
    if kind in ("ObjectCreated", "ObjectRemoved"):
        found["sequencer"] = sequenced
    out = {name: value for name, value in detail.items() if name not in ("object", "reason", "deletion-type")}
    out["object"] = found
    if event_name in _S3_REASONS:
        out["reason"] = _S3_REASONS[event_name]
    if kind == "ObjectRemoved":
        out["deletion-type"] = deletion
    if kind == "ObjectRestore":
        out["source-storage-class"] = stored.storage_class
    if event_name == "ObjectRestore:Completed":
        # S3 itself completes a restore: no source IP, and the time the restored copy expires.
        out.pop("source-ip-address", None)
        if stored.restore_expiry is not None:
            out["restore-expiry-time"] = stored.restore_expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


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
            "logEvents": [{"id": _log_event_id(event["timestamp"]), "timestamp": event["timestamp"],
                           "message": event["message"]} for event in events]}
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}


def _log_event_id(timestamp: int) -> str:
    """A log event's id as CloudWatch Logs gives it: 56 digits, larger for later events (moto's is a counter).

    AWS's example: "34622316099697884706540976068822859012661220141643892546" (services-cloudwatchlogs).
    """
    return str((int(timestamp) << 144) | next(_LOG_EVENTS) % 2**64).zfill(56)


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


def _inserted(value: Any, quoted: bool, string_template: bool) -> str:
    """The text that replaces a <name>, as EventBridge writes it (recorded: LocalStack's
    test_events_inputs.snapshot.json, test_input_transformer_nested_keys_replacement and
    test_put_events_with_input_transformer_input_template_*): a path that finds nothing gives an empty string.

    Inside quotes a string goes in as its text; in a template that is a string, an object or a list goes in
    without its quotes ({a:1,b:x}); elsewhere inside quotes it goes in as JSON, and spoils the template.
    """
    if not quoted:
        return '""' if value is _MISSING else json.dumps(value)
    if value is _MISSING:
        return ""
    if isinstance(value, str):
        return json.dumps(value)[1:-1]
    if string_template:
        return json.dumps(value, separators=(",", ":")).replace('"', "")
    return json.dumps(value)


def _filled(template: str, values: Mapping[str, Any]) -> str:
    """InputTemplate with its <name>s replaced."""
    string_template = template.lstrip().startswith('"')
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
                out.append(_inserted(values[name], inside, string_template))
                index = end + 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


# Why a target got nothing (see target_input), as mock.triggers tells it.
NOT_JSON = "not sent: the input transformer's output is not JSON"


def _sendable(text: str) -> bool:
    """Whether EventBridge sends a filled template: JSON, or lines that are each JSON (strings, say). What
    is neither is not sent (recorded: test_input_transformer_nested_keys_replacement_not_valid)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return _is_json(text) or (len(lines) > 1 and all(_is_json(line) for line in lines))


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def ingestion_time() -> str:
    """Now, as <aws.events.event.ingestion-time> gives "the time at which the event was received by EventBridge"
    (its input transformation guide): once per event, for all its targets."""
    return _now()[:-5] + "Z"


def target_input(target: Mapping[str, Any], event: Mapping[str, Any], rule_arn: str, rule_name: str,
                 ingested: str) -> Optional[bytes]:
    """What a rule's target receives: the event, or its Input, InputPath or InputTransformer (AWS's Target);
    None when EventBridge sends nothing (a transformed input that is not JSON). ``ingested`` is when EventBridge
    received the event (see ingestion_time)."""
    if target.get("Input") is not None:
        return str(target["Input"]).encode()
    if target.get("InputPath"):
        found = _at(event, target["InputPath"])
        return json.dumps(None if found is _MISSING else found).encode()
    transformer = target.get("InputTransformer")
    if transformer:
        values: dict[str, Any] = {name: _at(event, path)
                                  for name, path in (transformer.get("InputPathsMap") or {}).items()}
        # <aws.events.event> is the event without its detail, as recorded (test_input_transformer_predefined_variables).
        summary = {"id": event.get("id"), "account": event.get("account"), "detailType": event.get("detail-type"),
                   "time": event.get("time"), "source": event.get("source"), "region": event.get("region"),
                   "resources": event.get("resources"), "version": event.get("version")}
        values.update({"aws.events.rule-arn": rule_arn, "aws.events.rule-name": rule_name,
                       "aws.events.event.ingestion-time": ingested, "aws.events.event": summary,
                       "aws.events.event.json": dict(event)})
        filled = _filled(str(transformer.get("InputTemplate", "")), values)
        return filled.encode() if _sendable(filled) else None
    return json.dumps(event).encode()
