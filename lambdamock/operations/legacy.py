"""The 2014-11-11 Lambda API's function operations, served from the same functions as today's API."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from lambdamock.errors import InvalidParameterValueException
from lambdamock.operations import _code, _latest, _neighbours, functions, invoke
from lambdamock.operations._base import Call, function
from lambdamock.operations.views import code_location, configuration
from lambdamock.state.functions import Function, Version

# Members the 2014 FunctionConfiguration shares, by name and meaning, with today's.
_SHARED = (
    "FunctionName", "Runtime", "Role", "Handler", "CodeSize", "Description", "Timeout", "MemorySize", "LastModified",
)
_LIST_LIMIT = 50


def _configuration_id(version: Version) -> str:
    # Stable while the code and configuration stay as they are, new with each change:
    # every change stamps $LATEST with a new LastModified (a publish or settling does not).
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{version.arn}@{version.last_modified.isoformat()}"))


def _configuration(version: Version) -> dict[str, Any]:
    """A $LATEST in the 2014 FunctionConfiguration shape."""
    current = configuration(version, listing=True)
    out = {key: current[key] for key in _SHARED if key in current}
    # The 2014 API knew only the "event" mode, so every function is in it.
    out.update(FunctionARN=version.arn, ConfigurationId=_configuration_id(version), Mode="event")
    return out


def _latest_of(call: Call, reference: str) -> Version:
    found, _ = function(call, reference)
    return found.latest


def upload_function(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name = params["FunctionName"]
    _neighbours.check_role(call, params["Role"])
    _code.check_sizes(call, params["FunctionZip"])
    code = _code.load(call, {"ZipFile": params["FunctionZip"]}, "Zip")
    with call.service.lock:
        found = call.region.functions.get(name)
        if found is None:
            found = Function(_latest.first(call, name, params, code, settings=_latest.default_settings(name)))
            call.region.add(found)
        elif found.latest.package_type == "Image":
            # AWS's answer to zip code for an image function.
            raise InvalidParameterValueException(
                "Please provide ImageUri when updating a function with packageType Image."
            )
        else:
            # An upload is a PUT: the 2014 members it leaves out take their defaults again,
            # while what only today's API sets (environment, tags, versions, ...) stays.
            found.update(found.latest.changed(code=code, **_latest.configured(params)))
        uploaded = found.latest
        found.latest = uploaded.settled()
    return _configuration(uploaded)


def get_function(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        latest = _latest_of(call, params["FunctionName"])
    location = code_location(call, latest)
    code = {key: location[key] for key in ("RepositoryType", "Location") if key in location}
    return {"Configuration": _configuration(latest), "Code": code}


def get_function_configuration(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        return _configuration(_latest_of(call, params["FunctionName"]))


def list_functions(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxItems") or _LIST_LIMIT
    with call.service.lock:
        # One name beyond the page tells whether another page follows.
        names = list(itertools.islice(call.region.names_after(params.get("Marker") or None), limit + 1))
        page = [_configuration(call.region.functions[name].latest) for name in names[:limit]]
    out: dict[str, Any] = {"Functions": page}
    if len(names) > limit:
        out["NextMarker"] = names[limit - 1]
    return out


def update_function_configuration(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    # Under one hold of the (reentrant) lock, so the answer is this update's result.
    with call.service.lock:
        functions.update_function_configuration(call, params)
        return _configuration(_latest_of(call, params["FunctionName"]))


def delete_function(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    # The same deletion as today's API, with its clean-up of everything hanging off the function.
    return functions.delete_function(call, params)


def invoke_async(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    # Today's API kept InvokeAsync as it was: same members, same answers.
    return invoke.invoke_async(call, params)
