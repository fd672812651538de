"""Domain objects rendered in the API's output shapes."""

from __future__ import annotations

import datetime
from typing import Any, Optional

from lambdamock import _downloads
from lambdamock.memo import per_object
from lambdamock.operations._base import Call
from lambdamock.state.functions import LATEST, Code, Version

# Lambda's own timestamp form for LastModified (a string in the model).
_LAST_MODIFIED = "%Y-%m-%dT%H:%M:%S.%f"


def timestamp(stamp: datetime.datetime) -> str:
    """Lambda's own form of a UTC time, e.g. 2018-11-14T23:03:52.894+0000."""
    return stamp.strftime(_LAST_MODIFIED)[:-3] + "+0000"


# Versions never change, so each rendering is made once. A replaced $LATEST or a stopped mock takes its
# renderings with it.
@per_object
def _renderings(version: Version) -> dict[tuple[bool, bool, str, Optional[str]], dict[str, Any]]:
    return {}


def configuration(
    version: Version,
    *,
    qualified: bool = False,
    listing: bool = False,
    state: str = "Active",
    update: Optional[str] = "Successful",
) -> dict[str, Any]:
    """A FunctionConfiguration as AWS renders it (shared: callers must not change it).

    ``qualified`` gives $LATEST a qualified ARN (as when the caller named it);
    ``listing`` drops the state members, which list operations leave out;
    ``state``/``update`` are what a create or update response reports.
    """
    key = (qualified, listing, state, update)
    forms = _renderings(version)
    found = forms.get(key)
    if found is None:
        found = forms[key] = _render(version, qualified, listing, state, update)
    return found


def _render(version: Version, qualified: bool, listing: bool, state: str, update: Optional[str]) -> dict[str, Any]:
    arn = version.arn if version.version == LATEST and not qualified else version.qualified_arn
    out: dict[str, Any] = {
        "FunctionName": version.name,
        "FunctionArn": arn,
        "Role": version.role,
        "CodeSize": version.code.size,
        "Description": version.description,
        "Timeout": version.timeout,
        "MemorySize": version.memory_size,
        "LastModified": timestamp(version.last_modified),
        "CodeSha256": version.code.sha256,
        "Version": version.version,
        "TracingConfig": {"Mode": "PassThrough"},
        "RevisionId": version.revision_id,
        "PackageType": version.package_type,
        "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
    }
    if version.package_type == "Zip":
        out["Runtime"] = version.runtime
        out["Handler"] = version.handler
    if version.environment is not None:
        out["Environment"] = {"Variables": dict(version.environment)}
    out.update(version.settings)
    if version.layers:
        out["Layers"] = [{"Arn": layer.arn, "CodeSize": layer.code_size} for layer in version.layers]
    if listing:
        return out
    if version.package_type == "Zip":
        out["RuntimeVersionConfig"] = {"RuntimeVersionArn": version.runtime_version_arn}
    out["State"] = state
    if state == "Pending":
        out["StateReason"] = "The function is being created."
        out["StateReasonCode"] = "Creating"
    if update is not None:
        out["LastUpdateStatus"] = update
    if update == "InProgress":
        out["LastUpdateStatusReason"] = "The function is being created."
        out["LastUpdateStatusReasonCode"] = "Creating"
    return out


def _resolved(uri: str, digest: str) -> str:
    """The image pinned by digest: ``repo:tag`` becomes ``repo@sha256:<digest>``."""
    if "@" in uri:
        return uri
    repository, colon, tag = uri.rpartition(":")
    base = repository if colon and "/" not in tag else uri
    return f"{base}@sha256:{digest}"


def package_url(call: Call, kind: str, name: str, code: Code) -> str:
    """Where GetFunction and GetLayerVersion say a package can be downloaded (``kind``: tasks or layers); a
    download of it while the mock is active gets ``code`` (see lambdamock._downloads)."""
    found = _downloads.url(call.region.name, kind, call.region.account_id, name)
    call.service.packages[found] = code
    return found


def code_location(call: Call, version: Version) -> dict[str, Any]:
    uri = version.code.image_uri
    if uri is not None:
        return {"RepositoryType": "ECR", "ImageUri": uri, "ResolvedImageUri": _resolved(uri, version.code.sha256)}
    out = {"RepositoryType": "S3",
           "Location": package_url(call, "tasks", f"{version.name}-{version.revision_id}", version.code)}
    if version.code.source_kms_key_arn is not None:
        out["SourceKMSKeyArn"] = version.code.source_kms_key_arn
    return out

