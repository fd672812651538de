"""CloudFormation custom resources served by the mock's functions: each request runs one; its answer comes back.

CloudFormation sends a custom resource's Create, Update and Delete requests to the function its
ServiceToken names, and reads the function's answer from the presigned URL in the request (the PUT of
cfn-response). While a mock is active, moto's CloudFormation sends them here: the URL is a loopback
endpoint that takes one answer, and the stack call waits for it, as it waits for every Lambda resource.
A ServiceToken that is not a function of the mock (an SNS topic, say), or a function lambdamock cannot run
(Node.js, say), stays moto's.
"""

from __future__ import annotations

import contextlib
import functools
import json
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Optional

from lambdamock import _active
from lambdamock import _moto_stacks as stacks
from lambdamock._moto_stacks import Deployed

# CloudFormation's resource status reasons, as users quote them from AWS (awslabs/aws-video-transcriber#32,
# aws-samples/aws-security-reference-architecture-examples#162).
_FAILED = "Received response status [FAILED] from custom resource. Message returned: {reason} (RequestId: {request})"
_SILENT = (
    "CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId "
    "[{request}]. If you are using the Python cfn-response module, you may need to update your Lambda function "
    "code so that CloudFormation can attach the updated version."
)
# CloudFormation's reasons for answers it cannot take, and for a changed ServiceToken, as users quote them
# (aws-cloudformation/custom-resource-helper#67, aws-samples/amazon-cloudfront-secure-static-site#25,
# cloudcomponents/cdk-constructs#197); the 4096-byte limit is the response objects page's.
_NO_PHYSICAL_ID = "Invalid PhysicalResourceId"
_TOO_LONG = "Response object is too long."
_LONGEST = 4096
_NEW_TOKEN = "Modifying service token is not allowed."
_POLL_S = 0.05  # how often the endpoint's thread looks whether it should stop


class _Answer(BaseHTTPRequestHandler):
    """Takes the PUT of a function's answer as S3 takes a presigned PUT: 200, no body."""

    server: _Endpoint

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.server.answer is None:
            self.server.answer = body
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Endpoint(HTTPServer):
    """The presigned URL's stand-in: an HTTP server on 127.0.0.1 that keeps the first answer PUT to it."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Answer)
        self.answer: Optional[bytes] = None
        self.url = f"http://127.0.0.1:{self.server_address[1]}/{uuid.uuid4().hex}"

    def __enter__(self) -> _Endpoint:
        service = _active.serving()
        assert service is not None  # the caller found the function in it
        service.spawn(lambda: self.serve_forever(_POLL_S), "lambdamock-cfn-response")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
        self.server_close()


def _strings(value: Any) -> Any:
    """Properties as CloudFormation sends them to a custom resource: numbers and booleans as strings."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return {key: _strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strings(item) for item in value]
    return value


class _Custom(Deployed):
    """A custom resource the mock's function made: its physical ID and Data are what the function answered."""

    stack_id: str
    logical_id: str
    resource_type: str
    deleted = False

    def delete(self, account_id: str, region: str) -> None:
        if not self.deleted:  # once: see stack_delete
            self.deleted = True
            self.remove()


def stack_delete(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """moto.cloudformation.parsing.ResourceMap.delete, its custom resources first.

    CloudFormation deletes a resource before what it depends on, so a custom resource's Delete reaches its
    function before the function goes; moto deletes in no particular order.
    """
    for logical_id, resource in list(instance._parsed_resources.items()):
        if isinstance(resource, _Custom) and instance._resource_json_map.get(logical_id, {}).get(
                "DeletionPolicy") != "Retain":
            resource.delete(instance._account_id, instance._region_name)
    return wrapped(*args, **kwargs)


def _send(client: Any, request_type: str, stack_id: str, logical_id: str, resource_type: str,
          properties: dict[str, Any], previous: Optional[_Custom] = None) -> dict[str, Any]:
    """Run one request through the function and return its answer; ValidationError with CloudFormation's reason
    if it answered FAILED, or did not answer by the time it returned."""
    from moto.cloudformation.exceptions import ValidationError

    request_id = str(uuid.uuid4())
    with _Endpoint() as endpoint:
        event: dict[str, Any] = {
            "RequestType": request_type, "ServiceToken": properties["ServiceToken"], "ResponseURL": endpoint.url,
            "StackId": stack_id, "RequestId": request_id, "LogicalResourceId": logical_id,
            "ResourceType": resource_type, "ResourceProperties": _strings(properties),
        }
        if previous is not None:
            event["PhysicalResourceId"] = previous.physical_resource_id
            if request_type == "Update":
                event["OldResourceProperties"] = _strings(previous.properties)
        client.invoke(FunctionName=properties["ServiceToken"], Payload=json.dumps(event).encode())
    if endpoint.answer is not None and len(endpoint.answer) > _LONGEST:
        raise ValidationError(message=_TOO_LONG)
    try:
        answer = json.loads(endpoint.answer) if endpoint.answer is not None else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ValidationError(message=_SILENT.format(request=request_id))
    if answer.get("Status") != "SUCCESS":
        raise ValidationError(message=_FAILED.format(reason=answer.get("Reason", ""), request=request_id))
    if not isinstance(answer.get("PhysicalResourceId"), str) or not answer["PhysicalResourceId"]:
        raise ValidationError(message=_NO_PHYSICAL_ID)  # required, and a non-empty string
    return answer


def _runs(client: Any, function: str) -> bool:
    """Whether lambdamock can run the function (Python): one it cannot stays with moto, which leaves the resource
    waiting for an answer, as before. A missing one is left to fail its Invoke."""
    try:
        runtime = client.get_function_configuration(FunctionName=function).get("Runtime") or ""
    except client.exceptions.ResourceNotFoundException:
        return True
    return str(runtime).startswith("python")


def _deployed(client: Any, answer: dict[str, Any], stack_id: str, logical_id: str, resource_type: str,
              properties: dict[str, Any]) -> _Custom:
    def remove(client: Any) -> None:
        # A Delete the function fails (or Lambda refuses) is passed over: the stack call goes on.
        from botocore.exceptions import ClientError
        from moto.cloudformation.exceptions import ValidationError

        with contextlib.suppress(ValidationError, ClientError):
            _send(client, "Delete", stack_id, logical_id, resource_type, custom.properties, custom)

    custom = _Custom(client, answer["PhysicalResourceId"], dict(answer.get("Data") or {}), remove, properties)
    custom.stack_id, custom.logical_id, custom.resource_type = stack_id, logical_id, resource_type
    return custom


@functools.cache
def model() -> type:
    """The class moto's CloudFormation takes for custom resource types while a mock is active."""
    from moto.cloudformation.custom_model import CustomModel

    from lambdamock import _moto

    class CustomResource(CustomModel):  # moto's, for the tokens that stay moto's
        @classmethod
        def create_from_cloudformation_json(
                cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
                **kwargs: Any) -> Any:
            properties = cloudformation_json.get("Properties") or {}
            client = stacks._client(region_name)
            if _moto._serving(properties.get("ServiceToken")) is None or not _runs(client, properties["ServiceToken"]):
                return super().create_from_cloudformation_json(resource_name, cloudformation_json, account_id,
                                                               region_name, **kwargs)
            stack_id, logical_id, resource_type = kwargs["StackId"], kwargs["LogicalId"], kwargs["ResourceType"]
            answer = _send(client, "Create", stack_id, logical_id, resource_type, properties)
            return _deployed(client, answer, stack_id, logical_id, resource_type, properties)

        @classmethod
        def update_from_cloudformation_json(
                cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any],
                account_id: str, region_name: str) -> Any:
            if not isinstance(original_resource, _Custom) or not original_resource.current():
                return original_resource  # moto's, or gone with the mock that made it
            properties = cloudformation_json.get("Properties") or {}
            if properties.get("ServiceToken") != original_resource.properties.get("ServiceToken"):
                from moto.cloudformation.exceptions import ValidationError

                raise ValidationError(message=_NEW_TOKEN)
            client = stacks._client(region_name)
            original = original_resource
            answer = _send(client, "Update", original.stack_id, original.logical_id, original.resource_type,
                           properties, original)
            updated = _deployed(client, answer, original.stack_id, original.logical_id, original.resource_type,
                                properties)
            # A new physical ID replaces the resource: the old one gets its Delete in the update's cleanup.
            return stacks._replaced(original, updated)

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True  # a function's Data may have any key

    return CustomResource
