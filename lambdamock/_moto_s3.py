"""S3's deliveries from moto to lambdamock's functions, and S3's check of a notification's destinations.

Installed by _moto.bridge, beside its other wrappers.
"""

from __future__ import annotations

import contextvars
import json
from typing import Any, Optional
from urllib.parse import unquote_plus

from lambdamock._moto import _argument, _delivering, _refused

# What moto knows of the S3 object being delivered, set around the delivery.
_S3: contextvars.ContextVar[Optional[Any]] = contextvars.ContextVar("lambdamock_s3", default=None)
# Whether the S3 request being served asked S3 to skip checking the destinations of a notification configuration.
_SKIP_CHECK: contextvars.ContextVar[bool] = contextvars.ContextVar("lambdamock_skip_check", default=False)


def send_event(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # send_event(account_id, event_name, bucket, key)
    token = _S3.set(_argument(args, kwargs, 3, "key"))
    try:
        return wrapped(*args, **kwargs)
    finally:
        _S3.reset(token)


@_delivering(2, "fn_arn")
def invoke_awslambda(service: Any, function_arn: str, instance: Any, args: Any, kwargs: Any) -> None:
    # _invoke_awslambda(account_id, event_body, fn_arn, region_name); moto has matched events and filters.
    from lambdamock.sources import trigger_events, triggers

    account_id = _argument(args, kwargs, 0, "account_id")
    record = _argument(args, kwargs, 1, "event_body")["Records"][0]  # one record per event, as S3 sends
    key = _S3.get()
    name = key.name if key is not None else unquote_plus(record["s3"]["object"]["key"])
    bucket = trigger_events.bucket_arn(function_arn, record["s3"]["bucket"]["name"])
    event = trigger_events.s3(record, name, account_id, getattr(key, "version_id", None), bucket)
    triggers.deliver(service, function_arn, json.dumps(event).encode(), bucket, account_id)


def bucket_put(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # S3Response._bucket_response_put(request, bucket_name, querystring): the request's header, for
    # S3Backend.put_bucket_notification_configuration, which it calls and which sees no header.
    headers = _argument(args, kwargs, 0, "request").headers
    token = _SKIP_CHECK.set(headers.get("x-amz-skip-destination-validation", "").lower() == "true")
    try:
        return wrapped(*args, **kwargs)
    finally:
        _SKIP_CHECK.reset(token)


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
