"""Deployment packages: zip bytes from the request or from S3, checked as AWS checks them."""

from __future__ import annotations

import io
import zipfile
from typing import Any, Mapping

from lambdamock.errors import InvalidParameterValueException
from lambdamock.outbound import Outbound, Unreachable
from lambdamock.state.functions import Code

# AWS's text for a request with no usable code source (no AWS text is known for an
# Image function without ImageUri, so it answers that case too).
_NO_SOURCE = "Please provide a source for function code."


def _checked_zip(data: bytes) -> Code:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from None
    return Code.from_zip(data)


def _from_s3(outbound: Outbound, region: str, bucket: str, key: str, version: Any) -> bytes:
    # Through boto3, so that moto (or a named endpoint) serves the object; never real S3.
    from botocore.exceptions import BotoCoreError, ClientError

    extra = {"VersionId": version} if version else {}
    try:
        data: bytes = outbound.client("s3", region).get_object(Bucket=bucket, Key=key, **extra)["Body"].read()
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


def load(outbound: Outbound, region: str, source: Mapping[str, Any], package_type: str) -> Code:
    """The Code of a CreateFunction ``Code`` or UpdateFunctionCode request."""
    if package_type == "Image":
        image = source.get("ImageUri")
        if not image:
            raise InvalidParameterValueException(_NO_SOURCE)
        return Code.from_image(image)
    # An ImageUri is no source for a Zip function: AWS reports the code as missing.
    zipped = source.get("ZipFile")
    bucket, key = source.get("S3Bucket"), source.get("S3Key")
    if zipped is not None and (bucket or key):
        raise InvalidParameterValueException(
            "Please do not provide other FunctionCode parameters when providing a ZipFile."
        )
    if zipped is not None:
        return _checked_zip(zipped)
    if bucket and key:
        return _checked_zip(_from_s3(outbound, region, bucket, key, source.get("S3ObjectVersion")))
    raise InvalidParameterValueException(_NO_SOURCE)
