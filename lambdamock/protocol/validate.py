"""Server-side input validation from the model's constraints, with AWS's texts."""

from __future__ import annotations

import datetime
import re
from functools import cache
from typing import Any, Iterable, Iterator

from botocore.loaders import create_loader
from botocore.model import Shape

from lambdamock.errors import InvalidParameterValueException, ValidationException
from lambdamock.memo import per_object

_NOT_NULL = "Member must not be null"
# Enums AWS lists in an order of its own, not the model's. Recorded: LocalStack
# test_lambda_api.snapshot.json, TestLambdaRecursion::test_put_function_recursion_config_invalid_value.
_AWS_ENUM_ORDER = {
    "RecursiveLoop": ("Terminate", "Allow"),
    # TestLambdaEventSourceMappings::test_create_event_source_validation (invalid_starting_position).
    "EventSourcePosition": ("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON"),
    # TestLambdaURL::test_lambda_url_invalid_invoke_mode (test_lambda.snapshot.json).
    "InvokeMode": ("RESPONSE_STREAM", "BUFFERED"),
}

# Where Lambda's service words a constraint otherwise than the model (recorded: LocalStack
# test_lambda_api.snapshot.json, TestLambdaLayer::test_layer_exceptions and ::test_layer_function_exceptions).
# It prints the layer version ARN pattern without the model's outermost group:
_PATTERN_TEXT = {
    "LayerVersionArn": (
        r"(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:"
        r"[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)"
    ),
}
# It names its own runtime lists, in its order, for a layer's runtimes (a list judged as one value)
# and the runtime filter of the layer listings; it takes every runtime the model knows.
_RUNTIME_TEXT = {
    "compatibleRuntime": (
        "ruby3.5, ruby2.6, dotnetcore1.0, python3.7, nodejs8.10, nasa, ruby2.7, python2.7-greengrass, "
        "dotnetcore2.0, python3.8, java21, dotnet6, dotnetcore2.1, python3.9, java11, nodejs6.10, "
        "provided, dotnetcore3.1, dotnet8, java25, java17, nodejs, nodejs4.3, java8.al2, go1.x, "
        "dotnet10, nodejs20.x, go1.9, byol, nodejs10.x, provided.al2023, nodejs22.x, python3.10, java8, "
        "nodejs12.x, python3.11, nodejs24.x, nodejs8.x, python3.12, nodejs14.x, nodejs8.9, nodejs26.x, "
        "python3.13, python3.14, nodejs16.x, python3.15, provided.al2, nodejs4.3-edge, nodejs18.x, "
        "ruby3.2, python3.4, ruby3.3, ruby3.4, ruby2.5, python3.6, python2.7"
    ),
    "compatibleRuntimes": (
        "nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, "
        "java25, python3.10, python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, "
        "java17, nodejs16.x, dotnet10, dotnet8, java11, dotnet6, nodejs18.x, provided.al2, java8.al2"
    ),
}
# It checks a layer's architectures (added in 2021) after the members of the 2018 API.
_CHECKED_LAST = {"PublishLayerVersionRequest": "CompatibleArchitectures"}
# Lists whose element constraints AWS quotes without "Member must not be null". Recorded: LocalStack
# test_lambda_api.snapshot.json, TestLambdaFunction::test_invalid_vpc_config_subnet and _security_group.
_NULL_SILENT = frozenset(("SubnetIds", "SecurityGroupIds"))


# Java's Unicode classes, which Python's re lacks, by their nearest equivalents
# (used inside character classes that already admit digits and "_").
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\d", r"\p{Z}": r"\s"}


# Members whose pattern the service enforces (and quotes) differs from every botocore model's: tag
# operations take layer ARNs but no network connectors, where botocore 1.34 knew only function ARNs.
# Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaTags::test_tag_exceptions,
# tag_lambda_invalidarn.
_TAGGABLE = (
    r"arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:"
    r"(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|"
    r"code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)"
)
# Event invoke destinations: what today's service takes (a Kafka URI, partitions, ISO regions), whatever
# the installed model knew. Recorded: TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions.
_DESTINATION = (
    r"$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:"
    r"((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)"
)
# The maxima of a function Lambda runs itself, where newer models allow what only a Lambda Managed Instances
# function takes (a Timeout of 5400, 32768 MB of memory or ephemeral storage; lambdamock serves no such function).
# "up to a maximum value of 900 seconds" (configuration-timeout), "up to 10,240 MB of memory" (Lambda quotas),
# ephemeral storage "between 512 and 10,240 MB"; in the model's words, as quoted from Lambda in covidatlas/li#575:
# "Value '3000' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900".
_FUNCTION_MAXIMA = {"Timeout": 900, "MemorySize": 10240}
_SERVER_CONSTRAINTS: dict[tuple[str, str], tuple[str, Any]] = {
    ("OnSuccess", "Destination"): ("pattern", _DESTINATION),
    ("OnFailure", "Destination"): ("pattern", _DESTINATION),
    ("TagResourceRequest", "Resource"): ("pattern", _TAGGABLE),
    ("UntagResourceRequest", "Resource"): ("pattern", _TAGGABLE),
    ("ListTagsRequest", "Resource"): ("pattern", _TAGGABLE),
    ("EphemeralStorage", "Size"): ("max", 10240),
    **{(request, member): ("max", maximum) for request in ("CreateFunctionRequest", "UpdateFunctionConfigurationRequest")
       for member, maximum in _FUNCTION_MAXIMA.items()},
}


@cache
def _served_shape(member: Shape, constraint: str, value: Any) -> Shape:
    """``member`` with the constraint the service enforces in place of the model's (a maximum only ever lowers
    the model's: the 2014 API's are lower still)."""
    if constraint == "max":
        value = min(value, member.metadata.get("max", value))
    return type(member)(member.name, {"type": member.type_name, **member.metadata, constraint: value})


@cache
def _pattern(text: str) -> "re.Pattern[str]":
    # The service anchors the model's patterns: they must match the whole value.
    for java, python in _JAVA_CLASSES.items():
        text = text.replace(java, python)
    return re.compile(text, re.DOTALL)


def _java(value: Any, shape: Shape | None = None) -> str:
    """A value as the Java service prints it inside messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if shape is not None and shape.type_name in ("float", "double") and isinstance(value, (int, float)):
        return repr(float(value))
    if isinstance(value, (bytes, bytearray)):
        return "java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]" % (len(value), len(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        member = getattr(shape, "member", None)
        return "[" + ", ".join(_java(item, member) for item in value) + "]"
    if isinstance(value, dict):
        key, item = getattr(shape, "key", None), getattr(shape, "value", None)
        return "{" + ", ".join(f"{_java(k, key)}={_java(v, item)}" for k, v in value.items()) + "}"
    return str(value)


def _enum_set(shape: Shape) -> str:
    return "Member must satisfy enum value set: [" + ", ".join(_AWS_ENUM_ORDER.get(shape.name, shape.enum)) + "]"


def _wire_name(name: str) -> str:
    return name[:1].lower() + name[1:]


def _type_ok(shape: Shape, value: Any) -> bool:
    kind = shape.type_name
    if kind == "string":
        return isinstance(value, str)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "blob":
        return isinstance(value, (bytes, bytearray))
    if kind == "timestamp":
        return isinstance(value, datetime.datetime)
    if kind == "list":
        return isinstance(value, list)
    if kind in ("map", "structure"):
        return isinstance(value, dict)
    return True


def _bound(shape: Shape, key: str) -> str:
    return _java(shape.metadata[key], shape)


def _violations(shape: Shape, value: Any, path: str = "") -> Iterator[str]:
    """The constraints ``value`` breaks at this level, in AWS's phrasing."""
    meta = shape.metadata
    kind = shape.type_name
    if kind in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            yield f"Member must have value greater than or equal to {_bound(shape, 'min')}"
        if "max" in meta and value > meta["max"]:
            yield f"Member must have value less than or equal to {_bound(shape, 'max')}"
    elif kind in ("string", "blob", "list", "map"):
        if "min" in meta and len(value) < meta["min"]:
            yield f"Member must have length greater than or equal to {meta['min']}"
        if "max" in meta and len(value) > meta["max"]:
            yield f"Member must have length less than or equal to {meta['max']}"
    if kind == "string":
        if "pattern" in meta and _pattern(meta["pattern"]).fullmatch(value) is None:
            yield f"Member must satisfy regular expression pattern: {_pattern_text(shape)}"
        if path in _RUNTIME_TEXT:
            if value not in _runtimes_taken(shape, path):
                yield f"Member must satisfy enum value set: [{_RUNTIME_TEXT[path]}]"
        # "runtime" is left to _check_runtime: Lambda answers it with its own error.
        elif shape.enum and value not in shape.enum and path != "runtime":
            yield _enum_set(shape)


def _pattern_text(shape: Shape) -> str:
    return _PATTERN_TEXT.get(shape.name, shape.metadata["pattern"])


def _runtimes_taken(shape: Shape, path: str) -> frozenset[str]:
    return frozenset((*shape.enum, *_current_runtimes(), *_RUNTIME_TEXT[path].split(", ")))


def _all_constraints(shape: Shape, not_null: bool = False) -> str:
    """Every constraint of an element shape, as AWS lists them for list members and map entries (``not_null``: and
    that it is not null)."""
    meta = shape.metadata
    found = []
    if shape.type_name in ("integer", "long", "float", "double"):
        found += [f"Member must have value less than or equal to {_bound(shape, 'max')}"] if "max" in meta else []
        found += [f"Member must have value greater than or equal to {_bound(shape, 'min')}"] if "min" in meta else []
    else:
        found += [f"Member must have length less than or equal to {meta['max']}"] if "max" in meta else []
        found += [f"Member must have length greater than or equal to {meta['min']}"] if "min" in meta else []
        found += [f"Member must satisfy regular expression pattern: {_pattern_text(shape)}"] if "pattern" in meta else []
        # Only strings have an enum: a map's values may be lists (SelfManagedEventSource.Endpoints).
        found += [_enum_set(shape)] if shape.type_name == "string" and shape.enum else []
    return ", ".join([*found, _NOT_NULL] if not_null else found)


def _elements_fail(shape: Shape, items: Any) -> bool:
    return any(item is None or not _type_ok(shape, item) or next(_violations(shape, item), None) for item in items)


def _check(shape: Shape, value: Any, path: str) -> Iterator[str]:
    own = list(_problems(shape, value, path))
    if own:
        # The value is printed only when something is wrong with it: printing is the slow part. AWS
        # leaves out the value of a member its model marks sensitive (environment variables, say).
        shown = "" if shape.metadata.get("sensitive") else f"'{_java(value, shape)}' "
        prefix = f"Value {shown}at '{path}' failed to satisfy constraint: "
        yield from (prefix + problem for problem in own)
        if not _type_ok(shape, value):
            return
    kind = shape.type_name
    if kind == "structure":
        yield from _check_members(shape, value, path + ".")
    elif kind == "list" and shape.member.type_name == "structure":
        for index, item in enumerate(value, 1):
            if item is None:  # a null in the list, as a null member is worded
                yield f"Value null at '{path}.{index}.member' failed to satisfy constraint: {_NOT_NULL}"
            else:
                yield from _check(shape.member, item, f"{path}.{index}.member")
    elif kind == "map" and shape.value.type_name == "structure":
        for key, item in value.items():
            yield from _check(shape.value, item, f"{path}.{key}")


def _problems(shape: Shape, value: Any, path: str) -> Iterator[str]:
    """What is wrong with ``value`` itself (nested structures are checked under their own paths)."""
    if not _type_ok(shape, value):
        yield f"Member must be of type {shape.type_name}"
        return
    yield from _violations(shape, value, path)
    kind = shape.type_name
    if kind == "list":
        member = shape.member
        if path in _RUNTIME_TEXT:
            taken = _runtimes_taken(member, path)
            if any(not isinstance(item, str) or item not in taken for item in value):
                yield f"Member must satisfy enum value set: [{_RUNTIME_TEXT[path]}]"
        elif member.type_name != "structure" and _elements_fail(member, value):
            yield f"Member must satisfy constraint: [{_all_constraints(member, shape.name not in _NULL_SILENT)}]"
    elif kind == "map":
        if _elements_fail(shape.key, value.keys()):
            yield f"Map keys must satisfy constraint: [{_all_constraints(shape.key)}]"
        if shape.value.type_name != "structure" and _elements_fail(shape.value, value.values()):
            yield f"Map value must satisfy constraint: [{_all_constraints(shape.value, True)}]"


# Per structure shape (each client has its own model objects): its members as checked.
@per_object
def _plan(shape: Shape) -> tuple[tuple[str, Shape, str, bool], ...]:
    """The members in the order AWS checks them: name, shape (as the service enforces it), wire name, required."""
    required = shape.required_members
    members: Iterable[tuple[str, Shape]] = shape.members.items()
    last = _CHECKED_LAST.get(shape.name)
    if last is not None:
        members = sorted(members, key=lambda item: item[0] == last)
    plan = []
    for name, member in members:
        served = _SERVER_CONSTRAINTS.get((shape.name, name))
        plan.append((name, member if served is None else _served_shape(member, *served), _wire_name(name),
                     name in required))
    return tuple(plan)


def _fine(shape: Shape, value: Any) -> bool:
    """True when a scalar value surely breaks nothing; False sends it the long way, which explains what is wrong."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        if not isinstance(value, str) or (shape.enum and value not in shape.enum):
            return False
        if "pattern" in meta and _pattern(meta["pattern"]).fullmatch(value) is None:
            return False
    elif kind == "blob":
        if not isinstance(value, (bytes, bytearray)):
            return False
    elif kind in ("integer", "long"):
        return (isinstance(value, int) and not isinstance(value, bool)
                and meta.get("min", value) <= value <= meta.get("max", value))
    elif kind == "boolean":
        return isinstance(value, bool)
    else:
        return False
    return meta.get("min", 0) <= len(value) <= meta.get("max", len(value))


def _check_members(shape: Shape, params: dict[str, Any], prefix: str) -> Iterator[str]:
    for name, member, wire, required in _plan(shape):
        value = params.get(name)
        if value is None:
            if required:
                yield f"Value null at '{prefix + wire}' failed to satisfy constraint: {_NOT_NULL}"
            continue
        if not _fine(member, value):
            yield from _check(member, value, prefix + wire)


@cache
def _current_runtimes() -> tuple[str, ...]:
    """The Runtime enum of botocore's newest Lambda model."""
    shapes = create_loader().load_service_model("lambda", "service-2")["shapes"]
    return tuple(shapes["Runtime"]["enum"])


_CREATABLE = frozenset(_RUNTIME_TEXT["compatibleRuntimes"].split(", "))


def _check_runtime(shape: Shape, params: dict[str, Any]) -> None:
    # Lambda answers an unknown runtime with its own error, not the model's
    # ValidationException, and admits layer-style ARNs too.
    members = shape.members
    runtime = params.get("Runtime")
    if "Runtime" not in members or not isinstance(runtime, str):
        return
    own = members["Runtime"].enum
    # Every API version is served by one backend, which takes today's runtimes: an
    # older model's list (2014-11-11 knew only "nodejs", botocore 1.34 no python3.13) is
    # widened by the newest one's and by the runtimes AWS names in its refusal.
    if not own or runtime in own or runtime in _current_runtimes() or runtime in _CREATABLE:
        return
    # AWS lists the runtimes it creates functions with, in its own order (the same list as a
    # layer's): TestLambdaFunction::test_create_lambda_exceptions (invalid_runtime_exc).
    raise InvalidParameterValueException(
        f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
        f"[{_RUNTIME_TEXT['compatibleRuntimes']}] or be a valid ARN"
    )


def validate(shape: Shape | None, params: dict[str, Any]) -> None:
    """Raise AWS's ValidationException listing every violated constraint."""
    if shape is None:
        return
    problems = list(_check_members(shape, params, ""))
    if not problems:
        _check_runtime(shape, params)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(f"{count} validation {noun} detected: " + "; ".join(problems))
