"""Deployment packages: zip bytes from the request or from S3, checked as AWS checks them."""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Mapping, Optional

from lambdamock.errors import InvalidParameterValueException, NotServedError, RequestEntityTooLargeException
from lambdamock.operations import _neighbours
from lambdamock.operations._base import Call
from lambdamock.outbound import Outbound, Unreachable
from lambdamock.packaging import package
from lambdamock.runtime import archive
from lambdamock.state.functions import Code

# AWS's text for a request with no usable code source (no AWS text is known for an
# Image function without ImageUri, so it answers that case too).
_NO_SOURCE = "Please provide a source for function code."
# Code={"S3Bucket": HOT_RELOAD_BUCKET, "S3Key": "/absolute/dir"} runs the code in place.
HOT_RELOAD_BUCKET = "hot-reload"
# The largest request body Lambda takes with a zip in it (recorded for CreateFunction).
_REQUEST_LIMIT = 70167211


def check_sizes(call: Call, zipped: Optional[bytes]) -> None:
    """Lambda's first checks of an upload: the zip's size, then the request's (before any other member)."""
    if zipped is not None and len(zipped) > archive.ZIPPED_LIMIT:
        raise RequestEntityTooLargeException(f"Zipped size must be smaller than {archive.ZIPPED_LIMIT} bytes")
    if call.body_size > _REQUEST_LIMIT:
        raise RequestEntityTooLargeException(
            f"Request must be smaller than {_REQUEST_LIMIT} bytes for the {call.operation} operation"
        )


def checked_zip(data: bytes) -> Code:
    """The Code of a zip, judged as Lambda judges an upload: every entry is read through.

    A zip from S3 may be larger than one sent in the request (check_sizes): only its unzipped size counts.
    """
    try:
        return Code.from_zip(data, _unzipped_size(data))
    except archive.Empty:  # as deployments that zipped nothing report it (terraform, serverless, CloudFormation)
        raise InvalidParameterValueException("Uploaded file must be a non-empty zip") from None


def _unzipped_size(data: bytes) -> int:
    """The size ``data`` unzips to, or Lambda's error for a zip it refuses; archive.Empty when it holds nothing."""
    try:
        return archive.unzipped_size(data)
    except archive.TooLarge:
        raise InvalidParameterValueException(
            f"Unzipped size must be smaller than {archive.UNZIPPED_LIMIT} bytes"
        ) from None
    except archive.Unreadable:
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from None


def _from_s3(outbound: Outbound, region: str, bucket: str, key: str, version: Any) -> bytes:
    # Through boto3, so that moto (or a named endpoint) serves the object; never real S3.
    from botocore.exceptions import BotoCoreError, ClientError

    extra = {"VersionId": version} if version else {}
    try:
        s3 = outbound.client("s3", region)
        data: bytes = s3.get_object(Bucket=bucket, Key=key, **extra)["Body"].read()
        if outbound.endpoint("s3") is None:  # moto's S3 keeps regions; a named endpoint's S3 may not (MinIO's)
            _check_region(s3, bucket, region)
        return data
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise InvalidParameterValueException(
            f"Error occurred while GetObject. S3 Error Code: {error.get('Code')}. "
            f"S3 Error Message: {error.get('Message')}"
        ) from None
    except (BotoCoreError, Unreachable) as exc:
        raise InvalidParameterValueException(
            f"Error occurred while GetObject. S3 Error Code: ServiceUnavailable. S3 Error Message: {exc}"
        ) from None


def _check_region(s3: Any, bucket: str, region: str) -> None:
    """The bucket must be in the function's region: AWS's error otherwise, as its troubleshooting guide gives it
    ("Amazon S3: Error Code PermanentRedirect")."""
    from botocore.exceptions import ClientError

    try:
        location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    except ClientError:
        return  # one it may read but not locate: taken as it is
    location = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)
    if location != region:
        raise InvalidParameterValueException(
            f"Error occurred while GetObject. S3 Error Code: PermanentRedirect. S3 Error Message: The bucket is in "
            f"this region: {location}. Please use this region to retry the request"
        )


def _in_place(directory: str) -> Code:
    # LocalStack's convention, which users of local Lambda know: the "hot-reload" bucket and an
    # absolute directory as the key run the handler from that directory itself.
    if not os.path.isabs(directory):
        raise InvalidParameterValueException(
            f"When using hot reloading, the archive key has to be an absolute path! Your archive key: {directory}"
        )
    if not os.path.isdir(directory):
        raise InvalidParameterValueException(
            f"When using hot reloading, the archive key has to be an existing directory! Your archive key: {directory}"
        )
    packaged = package(directory)
    try:
        unzipped = _unzipped_size(packaged)
    except archive.Empty:
        unzipped = 0  # nothing uploaded: the code in place may be written after the function is made
    return Code.in_place(directory, packaged, unzipped)


def load(call: Call, source: Mapping[str, Any], package_type: str) -> Code:
    """The Code of a CreateFunction ``Code`` or UpdateFunctionCode request."""
    if package_type == "Image":
        image = source.get("ImageUri")
        if not image:
            raise InvalidParameterValueException(_NO_SOURCE)
        return Code.from_image(image, _neighbours.image_digest(call, image))
    # An ImageUri is no source for a Zip function: AWS reports the code as missing.
    code = zip_from(call, source)
    key = source.get("SourceKMSKeyArn")
    return dataclasses.replace(code, source_kms_key_arn=key) if key else code


def zip_from(call: Call, source: Mapping[str, Any]) -> Code:
    """The Code of a zip sent as ZipFile or named by S3Bucket and S3Key: function code, or a layer's Content."""
    if source.get("S3ObjectStorageMode") == "REFERENCE":  # refused, never taken for a copy
        raise NotServedError("lambdamock does not serve self-managed S3 code storage (S3ObjectStorageMode "
                             "REFERENCE) yet")
    zipped = source.get("ZipFile")
    bucket, key = source.get("S3Bucket"), source.get("S3Key")
    if zipped is not None and (bucket or key):
        raise InvalidParameterValueException(
            "Please do not provide other FunctionCode parameters when providing a ZipFile."
        )
    if zipped is not None:
        return checked_zip(zipped)
    if bucket == HOT_RELOAD_BUCKET and key:
        return _in_place(key)
    if bucket and key:
        return checked_zip(_from_s3(call.service.outbound, call.region.name, bucket, key, source.get("S3ObjectVersion")))
    raise InvalidParameterValueException(_NO_SOURCE)
