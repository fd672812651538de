"""S3's deliveries from moto to lambdamock's functions, S3's check of their destinations, and package downloads.

Where moto's S3 sends a function other events than S3 does, its functions get S3's: no
ObjectTagging:Put for an object stored or copied, one ObjectCreated:CompleteMultipartUpload for a
multipart upload (directly, or through EventBridge), and in a bucket with versioning enabled an
ObjectRemoved:DeleteMarkerCreated for a delete marker and an ObjectRemoved:Delete for each version
deleted; through EventBridge, an object event's id and detail are S3's. A download of a package URL
that moto's S3 takes is answered as lambdamock._downloads answers it. Installed by _moto.bridge,
beside its other wrappers.
"""

from __future__ import annotations

import contextvars
import datetime
import email.utils
import json
from typing import Any, Callable, NamedTuple, Optional
from urllib.parse import parse_qs, unquote_plus, urlsplit

from lambdamock import _downloads, ids
from lambdamock._moto import _argument, _delivering, _refused, _serving

# Whether the S3 request being served asked S3 to skip checking the destinations of a notification configuration.
_SKIP_CHECK: contextvars.ContextVar[bool] = contextvars.ContextVar("lambdamock_skip_check", default=False)
# The events moto sends during the S3 call being served that S3 does not send at all: lambdamock's functions get
# none of them, directly or through EventBridge.
_SPURIOUS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("lambdamock_s3_spurious",
                                                                           default=frozenset())
# The events moto sends functions directly during the S3 call being served that lambdamock sends them itself, as S3
# does.
_REPLACED: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("lambdamock_s3_replaced",
                                                                           default=frozenset())


class _Sent(NamedTuple):
    """The S3 event moto's send_event is sending, and what S3 would give it: one id, request id and sequencer."""

    name: str  # without its "s3:"
    key: Any  # moto's object
    suspended: bool  # the bucket's versioning is suspended
    event_id: str
    request_id: str
    sequencer: str


_SENT: contextvars.ContextVar[Optional[_Sent]] = contextvars.ContextVar("lambdamock_s3_sent", default=None)
# A delete marker's eTag in its event: the MD5 of no bytes (recorded: LocalStack's
# test_s3_notifications_sqs.snapshot.json, test_object_created_put_versioned).
_EMPTY_ETAG = "d41d8cd98f00b204e9800998ecf8427e"


def send_event(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # send_event(account_id, event_name, bucket, key): to the bucket's functions, queues, topics and EventBridge.
    from lambdamock.sources import trigger_events

    name = _argument(args, kwargs, 1, "event_name")  # an S3NotificationEvent: str() is not its value
    bucket = _argument(args, kwargs, 2, "bucket")
    token = _SENT.set(_Sent(str(getattr(name, "value", name))[3:], _argument(args, kwargs, 3, "key"),
                            getattr(bucket, "versioning_status", None) == "Suspended", ids.request_id(),
                            ids.s3_request_id(), trigger_events.sequencer()))
    try:
        return wrapped(*args, **kwargs)
    finally:
        _SENT.reset(token)


def _expiry(stamp: Optional[str]) -> Optional[datetime.datetime]:
    """When moto's restored copy expires, from its HTTP date (None when nothing is restored)."""
    return email.utils.parsedate_to_datetime(stamp) if stamp else None


def eventbridge_event(event: Any) -> Any:
    """moto's EventBridge event for the S3 notification it is sending, with S3's id and detail; any other as it is."""
    sent = _SENT.get()
    if sent is None or not isinstance(event, dict) or event.get("source") != "aws.s3":
        return event
    from lambdamock.sources import trigger_events

    key = sent.key
    stored = trigger_events.StoredObject(
        key.name, getattr(key, "size", 0), str(getattr(key, "etag", "")).strip('"'),
        None if sent.suspended else getattr(key, "version_id", None), getattr(key, "storage_class", None) or "STANDARD",
        _expiry(getattr(key, "expiry_date", None)))
    detail = trigger_events.s3_detail(event.get("detail") or {}, sent.name, stored, sent.sequencer,
                                      "Delete Marker Created" if sent.suspended else "Permanently Deleted")
    return {**event, "id": sent.event_id, "detail": {**detail, "request-id": sent.request_id}}


def spurious() -> bool:
    """Whether the S3 event moto is sending (through EventBridge, say) is one S3 does not send."""
    sent = _SENT.get()
    return sent is not None and sent.name in _SPURIOUS.get()


def sending() -> bool:
    """Whether moto is sending an S3 notification (which S3 sends to the default event bus alone)."""
    return _SENT.get() is not None


@_delivering(2, "fn_arn")
def invoke_awslambda(service: Any, function_arn: str, instance: Any, args: Any, kwargs: Any) -> None:
    # _invoke_awslambda(account_id, event_body, fn_arn, region_name); moto has matched events and filters.
    account_id = _argument(args, kwargs, 0, "account_id")
    record = _argument(args, kwargs, 1, "event_body")["Records"][0]  # one record per event, as S3 sends
    if record["eventName"] in _SPURIOUS.get() | _REPLACED.get():
        return
    sent = _SENT.get()
    key = None if sent is None else sent.key
    name = key.name if key is not None else unquote_plus(record["s3"]["object"]["key"])
    _deliver(service, function_arn, record, name, account_id, getattr(key, "version_id", None))


def _deliver(service: Any, function_arn: str, record: dict[str, Any], key: str, account_id: str,
             version_id: Optional[str]) -> None:
    """Send ``record`` (moto's, or one of its shape) to the function as S3 does, completed to S3's event."""
    from lambdamock.sources import trigger_events, triggers

    bucket = trigger_events.bucket_arn(function_arn, record["s3"]["bucket"]["name"])
    event = trigger_events.s3(record, key, account_id, version_id, bucket)
    triggers.deliver(service, function_arn, json.dumps(event).encode(), bucket, account_id)


def _without(*events: str) -> Callable[..., Any]:
    """A wrapper of a moto S3 call that sends lambdamock's functions none of moto's ``events`` while it runs."""
    unsent = frozenset(events)

    def wrapper(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        token = _SPURIOUS.set(unsent)
        try:
            return wrapped(*args, **kwargs)
        finally:
            _SPURIOUS.reset(token)

    return wrapper


# S3Backend.complete_multipart_upload(bucket_name, multipart_id, body): moto stores the object through put_object
# and tags it through put_object_tagging (with no tags too), which send ObjectCreated:Put and ObjectTagging:Put
# before the CompleteMultipartUpload; S3 sends the latter alone.
complete_multipart_upload = _without("ObjectCreated:Put", "ObjectTagging:Put")
# S3Response.put_object() and copy_object(): moto tags each object they store, which sends ObjectTagging:Put; S3
# sends ObjectCreated:Put or :Copy alone (recorded: LocalStack's test_s3_notifications_sqs.py,
# test_object_tagging_put_event, "unexpected event triggered for put_object").
object_stored = _without("ObjectTagging:Put")


def delete_object(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # S3Backend.delete_object(bucket_name, key_name, version_id=None, bypass=False) -> (deleted, headers); moto's
    # DeleteObjects deletes each object through it. With versioning enabled moto sends a function nothing until the
    # key's last version goes, and then names the key's latest version; S3 sends an event for each call that
    # deletes (recorded: LocalStack's test_s3_notifications_sqs.snapshot.json, test_object_created_put_versioned).
    # moto keeps a suspended bucket's versions as an unversioned bucket's: there, what moto sends stands.
    bucket = instance.buckets.get(_argument(args, kwargs, 0, "bucket_name"))
    if bucket is None or not bucket.is_versioned:
        return wrapped(*args, **kwargs)
    key, version_id = _argument(args, kwargs, 1, "key_name"), _argument(args, kwargs, 2, "version_id")
    # moto answers a version the key does not have as deleted, and deletes nothing (S3 refuses it): no event.
    existed = version_id is None or any(str(version.version_id) == str(version_id)
                                        for version in bucket.keys.getlist(key, []))
    token = _REPLACED.set(frozenset(("ObjectRemoved:Delete",)))
    try:
        deleted, headers = wrapped(*args, **kwargs)
    finally:
        _REPLACED.reset(token)
    if deleted and existed:
        if version_id is None:  # a delete marker was made
            _notify(instance.account_id, bucket, key, "ObjectRemoved:DeleteMarkerCreated", headers.get("version-id"))
        else:
            _notify(instance.account_id, bucket, key, "ObjectRemoved:Delete", version_id)
    return deleted, headers


def _notify(account_id: str, bucket: Any, key: str, event_name: str, version_id: Optional[str]) -> None:
    """Send ``event_name`` for ``key`` to each of lambdamock's functions the bucket's configuration sends it to."""
    config = bucket.notification_configuration
    for notification in [] if config is None else config.cloud_function:
        service = _serving(notification.arn)
        if service is None or not notification.matches(f"s3:{event_name}", key):
            continue  # moto's own functions get what moto sends them
        record = {"eventName": event_name, "awsRegion": bucket.region_name,
                  "s3": {"configurationId": notification.id, "bucket": {"name": bucket.name},
                         "object": {"eTag": _EMPTY_ETAG}}}
        _deliver(service, notification.arn, record, key, account_id, version_id)


def bucket_put(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # S3Response._bucket_response_put(request, bucket_name, querystring): the request's header, for
    # S3Backend.put_bucket_notification_configuration, which it calls and which sees no header.
    headers = _argument(args, kwargs, 0, "request").headers
    token = _SKIP_CHECK.set(headers.get("x-amz-skip-destination-validation", "").lower() == "true")
    try:
        return wrapped(*args, **kwargs)
    finally:
        _SKIP_CHECK.reset(token)


def key_response(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # S3Response.key_response(request, full_url, headers): while moto's mock takes requests' calls, a download of
    # a package URL comes here, not to urllib3 (see lambdamock._downloads), and is answered whole, Range included.
    # Any other signed request (an S3 client's, a presigned URL) is moto's, as is any while no mock of lambdamock's
    # is active.
    request, target = _argument(args, kwargs, 0, "request"), urlsplit(_argument(args, kwargs, 1, "full_url"))
    host = target.hostname
    if host is None or not _downloads.ours(host) or not _downloads.serving():
        return wrapped(*args, **kwargs)
    signed = "Authorization" in request.headers or {"X-Amz-Signature", "Signature"} & set(parse_qs(target.query))
    if signed and not _downloads.handed_out(host, target.path):
        return wrapped(*args, **kwargs)
    method = request.method
    status, headers, body = _downloads.answer(host, target.path, method, request.headers.get("Range"))
    if method == "HEAD":  # the responses library, through which moto answers, would wait for a body that long
        headers.pop("Content-Length")
    return status, headers, body


def put_notifications(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # S3Backend.put_bucket_notification_configuration(bucket_name, notification_config): S3 checks that
    # it may invoke each function before it takes the configuration, unless the request says
    # SkipDestinationValidation (recorded: LocalStack test_s3_notifications_lambda.snapshot.json,
    # test_invalid_lambda_arn, "lambda-does-not-exist" and "skip_destination_validation").
    from lambdamock.sources import trigger_events

    bucket = _argument(args, kwargs, 0, "bucket_name")
    instance.get_bucket(bucket)  # a missing bucket is moto's NoSuchBucket, before any destination is checked
    config = _argument(args, kwargs, 1, "notification_config") or {}
    for entry in [] if _SKIP_CHECK.get() else config.get("CloudFunctionConfiguration") or []:
        if _refused(entry.get("CloudFunction"), lambda arn: trigger_events.bucket_arn(arn, bucket),
                    instance.account_id):
            from moto.s3.exceptions import S3ClientError

            raise S3ClientError("InvalidArgument", "Unable to validate the following destination configurations")
    return wrapped(*args, **kwargs)
