"""Layer references: names and ARNs as the API takes them, and a function's Layers checked as AWS checks them."""

from __future__ import annotations

import re
from typing import Optional, Sequence

from lambdamock.errors import AccessDeniedException, InvalidParameterValueException, ResourceNotFoundException
from lambdamock.operations._base import Call
from lambdamock.runtime import archive
from lambdamock.state.functions import Code
from lambdamock.state.layers import Layer, LayerVersion

# A layer ARN, optionally with a version: the forms LayerName, Arn and Layers take (the model checks them first).
_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):layer:(?P<name>[a-zA-Z0-9-_]+)"
    r"(?::(?P<number>[0-9]+))?"
)
_MOST_LAYERS = 5
NOT_FOUND = "The resource you requested does not exist."


def layer_arn(call: Call, name: str) -> str:
    return f"arn:{call.region.partition}:lambda:{call.region.name}:{call.region.account_id}:layer:{name}"


def lookup(call: Call, layer_name: str) -> tuple[str, Optional[Layer]]:
    """The layer ARN a LayerName (a name or a layer ARN) stands for, and the layer, if this mock has it.

    Caller holds the service lock. A layer of another region or account is not this region's.
    """
    found = _ARN.fullmatch(layer_name)
    if found is None:
        return layer_arn(call, layer_name), call.region.layers.get(layer_name)
    here = found["region"] == call.region.name and found["account"] == call.region.account_id
    return layer_name, call.region.layers.get(found["name"]) if here else None


def own_name(call: Call, layer_name: str) -> str:
    """The name to publish under; another account's layer cannot be published to."""
    found = _ARN.fullmatch(layer_name)
    if found is None:
        return layer_name
    if found["region"] != call.region.name or found["account"] != call.region.account_id:
        raise AccessDeniedException()
    return found["name"]


def check_number(number: int) -> None:
    if number < 1:
        raise InvalidParameterValueException("Layer Version Cannot be less than 1")


def version(call: Call, layer_name: str, number: int) -> tuple[Layer, LayerVersion]:
    """The layer and version the permission operations name, or their not-found error. Caller holds the lock."""
    check_number(number)
    arn, layer = lookup(call, layer_name)
    found = layer.versions.get(number) if layer is not None else None
    if layer is None or found is None:
        raise ResourceNotFoundException(f"Layer version {arn}:{number} does not exist.")
    return layer, found


def resolve(call: Call, references: Sequence[str]) -> tuple[LayerVersion, ...]:
    """A function's Layers: at most five, in its region, one version per layer, each published.

    Caller holds the service lock. Another account's layer cannot be seen from this mock: it is recorded,
    not checked or loaded.
    """
    if len(references) > _MOST_LAYERS:
        raise InvalidParameterValueException(f"Cannot reference more than {_MOST_LAYERS} layers.")
    parsed = [(reference, _ARN.fullmatch(reference)) for reference in references]
    if any(found is not None and found["region"] != call.region.name for _, found in parsed):
        raise InvalidParameterValueException(
            "Layers are not in the same region as the function. "
            f"Layers are expected to be in region {call.region.name}."
        )
    first: dict[str, str] = {}
    for reference, found in parsed:
        layer = reference.rpartition(":")[0] if found is not None else reference
        if layer in first:
            raise InvalidParameterValueException(
                "Two different versions of the same layer are not allowed to be referenced in the same function. "
                f"{first[layer]} and {reference} are versions of the same layer."
            )
        first[layer] = reference
    return tuple(_published(call, reference, found) for reference, found in parsed)


def _published(call: Call, reference: str, found: Optional[re.Match[str]]) -> LayerVersion:
    # The model lets through AWS's old "awslayer" ARNs too, which name nothing here.
    if found is None or found["number"] is None:
        raise InvalidParameterValueException(f"Layer version {reference} does not exist.")
    if found["account"] != call.region.account_id:
        # Another account's layer: nothing here to check or load.
        return LayerVersion(reference.rpartition(":")[0], int(found["number"]), None)
    layer = call.region.layers.get(found["name"])
    published = layer.versions.get(int(found["number"])) if layer is not None else None
    if published is None:
        raise InvalidParameterValueException(f"Layer version {reference} does not exist.")
    return published


def check_size(code: Code, layers: Sequence[LayerVersion], *, uploading: bool = False) -> None:
    """Function code and layers, unzipped, within Lambda's limit for a deployment package.

    AWS words it by what the request brought (users' reports, below): layers that alone overflow the limit
    (CreateFunction or UpdateFunctionConfiguration); code uploaded next to layers, told the room the layers
    leave (CreateFunction, ``uploading``); layers added to code already there, told the total.
    """
    layered = sum(layer.unzipped_size for layer in layers)
    if not layers or code.unzipped_size + layered <= archive.UNZIPPED_LIMIT:
        return
    if layered > archive.UNZIPPED_LIMIT:
        # bento-video/bento#1 (UpdateFunctionConfiguration), ministackorg/ministack#1414 (CreateFunction).
        raise InvalidParameterValueException(
            f"Layers consume more than the available size of {archive.UNZIPPED_LIMIT} bytes"
        )
    if uploading:
        # aws/chalice#2081 (CreateFunction), aws-samples/serverless-pdf-chat#51, brefphp/laravel-bridge#109.
        raise InvalidParameterValueException(
            f"Unzipped size must be smaller than {archive.UNZIPPED_LIMIT - layered} bytes"
        )
    # serverlesspub/ffmpeg-aws-lambda-layer#23, lumigo-io/lambda-log-shipper#8: layers added to a function.
    raise InvalidParameterValueException(
        f"Function code combined with layers exceeds the maximum allowed size of {archive.UNZIPPED_LIMIT} "
        f"bytes. The actual size is {code.unzipped_size + layered} bytes."
    )
