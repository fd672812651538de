"""Functions and versions: create, read, update, publish, list, delete."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator, Optional

from lambdamock.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
)
from lambdamock.operations import _code, _latest, _layers, _neighbours, _settings, _signing
from lambdamock.operations._base import LATEST, Call, checked_tags, function, not_found, page, split_reference, version
from lambdamock.operations.views import code_location, configuration
from lambdamock.state.functions import Function, Version

_NOT_FOR_IMAGES = "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image."
_DEPRECATED_RUNTIMES = frozenset((
    "python2.7", "python3.6", "python3.7", "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10",
    "nodejs10.x", "nodejs12.x", "nodejs14.x", "java8", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1",
    "dotnetcore3.1", "go1.x", "ruby2.5", "ruby2.7", "provided",
))
_PRECONDITION = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)
# A qualifier that can only name an alias; others (e.g. "$latest") are looked up as versions.
_ALIAS_LIKE = re.compile(r"[a-zA-Z0-9_-]+")
_ENVIRONMENT_LIMIT = 4096
_NAME_LIMIT = 64


# The most functions, or versions, one list page holds.
_PAGE_LIMIT = 50
# The variables Lambda sets itself and refuses in a configuration (AWS's "Defined runtime environment
# variables": the reserved ones; LANG, PATH, TZ and the like may be set).
_RESERVED_VARIABLES = frozenset((
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
))


def _check_runtime(runtime: Optional[str]) -> None:
    if runtime in _DEPRECATED_RUNTIMES:
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda "
            "functions. We recommend you use a supported runtime while creating or updating functions."
        )


def _environment(params: dict[str, Any]) -> Optional[dict[str, str]]:
    if "Environment" not in params:
        return None
    variables = params["Environment"].get("Variables") or {}
    reserved = [key for key in variables if key in _RESERVED_VARIABLES]
    if reserved:
        # AWS's text as deployment logs quote it (e.g. "Reserved keys used in this request: AWS_REGION,
        # AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"), the keys in the request's order.
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment variables you have "
            "provided contains reserved keys that are currently not supported for modification. Reserved keys used "
            f"in this request: {', '.join(reserved)}"
        )
    # Measured as Lambda's Java service writes it: compact JSON, non-ASCII left as is, counted in bytes.
    measured = json.dumps(variables, separators=(",", ":"), ensure_ascii=False)
    if len(measured.encode("utf-8")) > _ENVIRONMENT_LIMIT:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment variables "
            f"you have provided exceeded the 4KB limit. String measured: {measured}"
        )
    return dict(variables)


def _check_revision(current: Version, expected: Optional[str]) -> None:
    if expected is not None and expected != current.revision_id:
        raise PreconditionFailedException(_PRECONDITION)


def create_function(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _settings.refuse_managed_instances(params)
    tags = checked_tags(params.get("Tags"))
    _code.check_sizes(call, params["Code"].get("ZipFile"))
    name, _ = split_reference(call, params["FunctionName"], None)
    if len(name) > _NAME_LIMIT:
        raise InvalidParameterValueException(
            f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: "
            f"Member must have length less than or equal to {_NAME_LIMIT}"
        )
    package_type = params.get("PackageType", "Zip")
    runtime, handler = params.get("Runtime"), params.get("Handler")
    if package_type == "Zip":
        if not runtime or not handler:
            raise InvalidParameterValueException(
                "Runtime and Handler are mandatory parameters for functions created with deployment packages."
            )
        _check_runtime(runtime)
    elif runtime or handler or params.get("Layers"):
        raise InvalidParameterValueException(_NOT_FOR_IMAGES)
    signing = params.get("CodeSigningConfigArn")
    if signing is not None:
        _signing.check_package(package_type)
    environment = _environment(params)
    _neighbours.check_role(call, params["Role"])
    settings = _settings.settings(call, params, _latest.default_settings(name))
    _settings.check_snap_start(runtime, settings)
    with call.service.lock:
        layers = _layers.resolve(call, params.get("Layers") or [])
    # Fetched before taking the lock: S3 may be slow or remote.
    code = _code.load(call, params["Code"], package_type)
    _layers.check_size(code, layers, uploading=True)
    created = _latest.first(
        call, name, params, code, settings=settings, environment=environment, package_type=package_type, layers=layers
    )
    with call.service.lock:
        if signing is not None:
            _signing.check_config(call, signing)
        if name in call.region.functions:
            raise ResourceConflictException(f"Function already exist: {name}")
        entry = Function(created, tags=tags, code_signing_config=signing)
        call.region.add(entry)
        published = entry.publish(None) if params.get("Publish") else None
        # The response reports Pending; by the next call Lambda has made it Active.
        entry.latest = created.settled()
    out = configuration(created, state="Pending", update=None)
    if published is None:
        return out
    # AWS reports the new version's number but keeps the unqualified ARN and $LATEST's revision.
    return {**out, "Version": published.version}


def get_function(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, resolved, qualifier = version(call, params["FunctionName"], params.get("Qualifier"))
        out: dict[str, Any] = {
            "Configuration": _shown(found, resolved, qualifier),
            "Code": code_location(call, resolved),
        }
        reserved = call.region.gate.reserved.get(found.name)
        if reserved is not None:
            out["Concurrency"] = {"ReservedConcurrentExecutions": reserved}
        # A qualified GetFunction shows no tags, though tags are the function's (recorded: LocalStack
        # cloudformation resources test_lambda.snapshot.json, test_lambda_version > get_function_version).
        if found.tags and qualifier is None:
            out["Tags"] = dict(found.tags)
        return out


def get_function_configuration(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        return _shown(*version(call, params["FunctionName"], params.get("Qualifier")))


def _shown(found: Function, resolved: Version, qualifier: Optional[str]) -> dict[str, Any]:
    """The configuration as named: through an alias, the version's with the alias ARN."""
    out = configuration(resolved, qualified=qualifier is not None)
    if qualifier in found.aliases:
        return {**out, "FunctionArn": f"{found.arn}:{qualifier}"}
    return out


def _versions_after(found: Function, marker: Optional[str]) -> Iterator[tuple[str, Version]]:
    """$LATEST then published versions in number order, after ``marker`` (which may be deleted since)."""
    after = -1
    if marker == LATEST:
        after = 0
    elif marker is not None and marker.isdigit():
        after = int(marker)
    if after < 0:
        yield LATEST, found.latest
    for number in sorted(int(key) for key in found.versions):
        if number > after:
            yield str(number), found.versions[str(number)]


def _listed(item: Version) -> dict[str, Any]:
    return configuration(item, qualified=True, listing=True)


def _page_size(params: dict[str, Any]) -> int:
    """ListFunctions and ListVersionsByFunction: "a maximum of 50 items in each response, even if you set the
    number higher" (the API reference of MaxItems)."""
    return min(params.get("MaxItems") or _PAGE_LIMIT, _PAGE_LIMIT)


def list_functions(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    every = params.get("FunctionVersion") == "ALL"
    master = params.get("MasterRegion")
    if master is not None:
        # Only Lambda@Edge replicas of a function in that region, of which lambdamock makes none (ListFunctions
        # in the API reference); AWS's text without FunctionVersion=ALL is reported in aws/aws-cli#2911.
        if not every:
            raise InvalidParameterValueException(
                f"The combination MasterArn={master} and FunctionVersion=NULL is not supported. "
                "Please see our documentation for valid combinations of ListFunctions options."
            )
        return {"Functions": []}
    marker = params.get("Marker")
    # The marker is "<name>" or, with FunctionVersion=ALL, "<name>:<version>".
    after_name, _, after_version = (marker or "").partition(":")
    functions = call.region.functions

    def items() -> Iterator[tuple[str, dict[str, Any]]]:
        if every and after_name in functions:
            for key, item in _versions_after(functions[after_name], after_version):
                yield f"{after_name}:{key}", _listed(item)
        for name in call.region.names_after(after_name if marker else None):
            if every:
                for key, item in _versions_after(functions[name], None):
                    yield f"{name}:{key}", _listed(item)
            else:
                yield name, configuration(functions[name].latest, listing=True)

    with call.service.lock:
        found_page, next_marker = page(items(), _page_size(params))
    out: dict[str, Any] = {"Functions": found_page}
    if next_marker is not None:
        out["NextMarker"] = next_marker
    return out


def list_versions_by_function(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        pairs = ((key, _listed(item)) for key, item in _versions_after(found, params.get("Marker")))
        found_page, next_marker = page(pairs, _page_size(params))
    out: dict[str, Any] = {"Versions": found_page}
    if next_marker is not None:
        out["NextMarker"] = next_marker
    return out


_CONFIG_MEMBERS = (
    ("Role", "role"), ("Handler", "handler"), ("Description", "description"),
    ("Timeout", "timeout"), ("MemorySize", "memory_size"), ("Runtime", "runtime"),
)


def update_function_configuration(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _settings.refuse_managed_instances(params)
    changes = {attribute: params[member] for member, attribute in _CONFIG_MEMBERS if member in params}
    _check_runtime(changes.get("runtime"))
    if "role" in changes:
        _neighbours.check_role(call, changes["role"])
    if "Environment" in params:
        changes["environment"] = _environment(params)
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        _check_revision(found.latest, params.get("RevisionId"))
        if found.latest.package_type == "Image" and (changes.get("runtime") or changes.get("handler")
                                                     or params.get("Layers")):
            # AWS's text on an update too (aws/aws-cdk#13037, an image function updated with a Handler).
            raise InvalidParameterValueException(_NOT_FOR_IMAGES)
        _settings.check_runtime_change(found, changes.get("runtime"))
        changes["settings"] = _settings.settings(call, params, dict(found.latest.settings))
        _settings.check_snap_start(changes.get("runtime", found.latest.runtime), changes["settings"])
        if "Layers" in params:
            changes["layers"] = _layers.resolve(call, params["Layers"])
            _layers.check_size(found.latest.code, changes["layers"])
        updated = found.latest.changed(**changes)
        found.update(updated.settled())
    return configuration(updated, update="InProgress")


def update_function_code(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _settings.refuse_managed_instances(params)
    _code.check_sizes(call, params.get("ZipFile"))
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        _check_revision(found.latest, params.get("RevisionId"))
        package_type = found.latest.package_type
    if package_type == "Image" and not params.get("ImageUri"):
        raise InvalidParameterValueException(
            "Please provide ImageUri when updating a function with packageType Image."
        )
    if package_type == "Zip" and params.get("ImageUri"):
        raise InvalidParameterValueException(
            "Please don't provide ImageUri when updating a function with packageType Zip."
        )
    code = _code.load(call, params, package_type)
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        _layers.check_size(code, found.latest.layers)
        # Architectures, the one configuration member UpdateFunctionCode takes, as every update takes it.
        updated = found.latest.changed(code=code, settings=_settings.settings(call, params, dict(found.latest.settings)))
        if params.get("DryRun"):
            return configuration(updated)
        found.update(updated)
        published = found.publish(None) if params.get("Publish") else None
        found.latest = updated.settled()
    if published is not None:
        # The new version is reported as it starts: Pending, with no update status.
        return configuration(published, state="Pending", update=None)
    return configuration(updated, update="InProgress")


def publish_version(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _settings.refuse_managed_instances(params)
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        latest = found.latest
        _check_revision(latest, params.get("RevisionId"))
        expected = params.get("CodeSha256")
        if expected is not None and expected != latest.code.sha256:
            raise InvalidParameterValueException(
                f"CodeSHA256 ({expected}) is different from current CodeSHA256 in $LATEST "
                f"({latest.code.sha256}). Please try again with the CodeSHA256 in $LATEST."
            )
        return configuration(found.publish(params.get("Description")))


def delete_function(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, qualifier = split_reference(call, params["FunctionName"], params.get("Qualifier"))
    # AWS checks the qualifier's form before it looks for the function.
    if qualifier is not None and qualifier.startswith(LATEST):
        raise InvalidParameterValueException("$LATEST version cannot be deleted without deleting the function.")
    if qualifier is not None and _ALIAS_LIKE.fullmatch(qualifier) and not qualifier.isdigit():
        raise InvalidParameterValueException("Deletion of aliases is not currently supported.")
    with call.service.lock:
        found = call.region.functions.get(name)
        if found is None:
            raise not_found(call, name)
        if qualifier is None:
            call.region.remove(name)
            call.region.gate.unconfigure(name)
            call.region.invoke_configs.drop(name)
            call.region.urls.drop_function(name)
            call.service.invoker.retire(found.arn)
            return {"StatusCode": 204}
        aliases = found.referencing(qualifier)
        if aliases:
            raise ResourceConflictException(
                f"Unable to delete version because the following aliases reference it: [{', '.join(aliases)}]"
            )
        # Deleting a version that does not exist succeeds, as on AWS. Its policy goes with it.
        found.policies.pop(qualifier, None)
        if found.versions.pop(qualifier, None) is not None:
            call.region.gate.unconfigure(name, qualifier)
            call.region.invoke_configs.drop(name, qualifier)
            call.service.invoker.retire(found.arn, qualifier)
    return {"StatusCode": 204}
