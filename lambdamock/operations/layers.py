"""Layers: publish versions, read them, list layers and versions, delete versions."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from lambdamock.errors import ResourceNotFoundException
from lambdamock.operations import _code, _layers
from lambdamock.operations._base import Call, page
from lambdamock.operations.views import package_url, timestamp
from lambdamock.state.layers import Layer, LayerVersion

_PAGE = 50


def _optional(version: LayerVersion) -> dict[str, Any]:
    """The members AWS shows only when they were given (an empty list was given)."""
    out: dict[str, Any] = {}
    if version.runtimes is not None:
        out["CompatibleRuntimes"] = list(version.runtimes)
    if version.architectures is not None:
        out["CompatibleArchitectures"] = list(version.architectures)
    if version.license_info is not None:
        out["LicenseInfo"] = version.license_info
    return out


def _shown(call: Call, version: LayerVersion) -> dict[str, Any]:
    """A layer version as PublishLayerVersion and GetLayerVersion show it: Description always there."""
    assert version.code is not None  # versions published here have their code
    return {
        "Content": {
            "Location": package_url(call, "layers", f"{version.name}-{version.location_id}", version.code),
            "CodeSha256": version.code.sha256,
            "CodeSize": version.code.size,
        },
        "LayerArn": version.layer_arn,
        "LayerVersionArn": version.arn,
        "Description": version.description,
        "CreatedDate": timestamp(version.created),
        "Version": version.number,
        **_optional(version),
    }


def _listed(version: LayerVersion) -> dict[str, Any]:
    """A layer version as the list operations show it: no Content, and no empty Description."""
    out: dict[str, Any] = {
        "LayerVersionArn": version.arn,
        "Version": version.number,
        "CreatedDate": timestamp(version.created),
    }
    if version.description:
        out["Description"] = version.description
    return {**out, **_optional(version)}


def _tuple(value: Optional[list[str]]) -> Optional[tuple[str, ...]]:
    return tuple(value) if value is not None else None


def publish_layer_version(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    content = params["Content"]
    _code.check_sizes(call, content.get("ZipFile"))
    name = _layers.own_name(call, params["LayerName"])
    # Fetched and judged before taking the lock: S3 may be slow, and a layer zip is checked as function code is.
    code = _code.zip_from(call, content)
    with call.service.lock:
        layer = call.region.layers.get(name)
        if layer is None:
            layer = call.region.layers[name] = Layer(_layers.layer_arn(call, name))
        published = layer.publish(
            code,
            description=params.get("Description", ""),
            runtimes=_tuple(params.get("CompatibleRuntimes")),
            architectures=_tuple(params.get("CompatibleArchitectures")),
            license_info=params.get("LicenseInfo"),
        )
        return _shown(call, published)


def _found(call: Call, layer_name: str, number: int) -> LayerVersion:
    _layers.check_number(number)
    _, layer = _layers.lookup(call, layer_name)
    found = layer.versions.get(number) if layer is not None else None
    if found is None:
        raise ResourceNotFoundException(_layers.NOT_FOUND)
    return found


def get_layer_version(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        return _shown(call, _found(call, params["LayerName"], params["VersionNumber"]))


def get_layer_version_by_arn(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    # The model's pattern has made sure of the form: a layer ARN, a colon, a version number.
    layer, _, number = params["Arn"].rpartition(":")
    if not number.isdigit():
        # AWS's own old "awslayer" ARNs: none of them is here.
        raise ResourceNotFoundException(_layers.NOT_FOUND)
    with call.service.lock:
        return _shown(call, _found(call, layer, int(number)))


def list_layers(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    runtime, architecture = params.get("CompatibleRuntime"), params.get("CompatibleArchitecture")
    # The marker is the name of the last layer shown.
    marker = params.get("Marker")
    layers = call.region.layers

    def items() -> Iterator[tuple[str, dict[str, Any]]]:
        for name in sorted(layers):
            if marker is not None and name <= marker:
                continue
            latest = next(layers[name].newest_first(runtime, architecture), None)
            # A layer with no version left (or none matching) is not listed.
            if latest is not None:
                yield name, {"LayerName": name, "LayerArn": layers[name].arn, "LatestMatchingVersion": _listed(latest)}

    with call.service.lock:
        found, next_marker = page(items(), params.get("MaxItems") or _PAGE)
    return _listing("Layers", found, next_marker)


def list_layer_versions(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    # The marker is the number of the last version shown; the listing goes on with older ones.
    marker = params.get("Marker")
    below = int(marker) if marker is not None and marker.isdigit() else None

    with call.service.lock:
        _, layer = _layers.lookup(call, params["LayerName"])
        if layer is None:
            return {"LayerVersions": []}
        versions = layer.newest_first(params.get("CompatibleRuntime"), params.get("CompatibleArchitecture"))
        pairs = ((str(v.number), _listed(v)) for v in versions if below is None or v.number < below)
        found, next_marker = page(pairs, params.get("MaxItems") or _PAGE)
    return _listing("LayerVersions", found, next_marker)


def _listing(key: str, found: list[dict[str, Any]], next_marker: Optional[str]) -> dict[str, Any]:
    out: dict[str, Any] = {key: found}
    if next_marker is not None:
        out["NextMarker"] = next_marker
    return out


def delete_layer_version(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    number = params["VersionNumber"]
    _layers.check_number(number)
    with call.service.lock:
        # Deleting what is not there (or no longer) succeeds, as on AWS.
        _, layer = _layers.lookup(call, params["LayerName"])
        if layer is not None:
            layer.delete(number)
    return {}
