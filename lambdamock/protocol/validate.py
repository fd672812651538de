"""Server-side input validation from the model's constraints, with AWS's texts."""

from __future__ import annotations

import datetime
import re
from functools import cache
from typing import Any, Iterator

from botocore.model import Shape

from lambdamock.errors import InvalidParameterValueException, ValidationException

# Java regex lookbehind is written the same way in Python; the model's
# patterns are anchored by the service, so they must match the whole value.


@cache
def _pattern(text: str) -> "re.Pattern[str]":
    return re.compile(text, re.DOTALL)


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, bytes):
        return "'java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]'" % (len(value), len(value))
    if isinstance(value, datetime.datetime):
        return f"'{value.isoformat()}'"
    if isinstance(value, (list, tuple)):
        return "'[" + ", ".join(str(item) for item in value) + "]'"
    if isinstance(value, dict):
        return "'{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}'"
    return f"'{value}'"


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


def _check(shape: Shape, value: Any, path: str) -> Iterator[str]:
    if not _type_ok(shape, value):
        yield f"Value {_show(value)} at '{path}' failed to satisfy constraint: Member must be of type {shape.type_name}"
        return
    meta = shape.metadata
    kind = shape.type_name
    if kind in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            yield f"Value {_show(value)} at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {meta['min']}"
        if "max" in meta and value > meta["max"]:
            yield f"Value {_show(value)} at '{path}' failed to satisfy constraint: Member must have value less than or equal to {meta['max']}"
        return
    if kind in ("string", "blob", "list", "map"):
        size = len(value)
        if "min" in meta and size < meta["min"]:
            yield f"Value {_show(value)} at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {meta['min']}"
        if "max" in meta and size > meta["max"]:
            yield f"Value {_show(value)} at '{path}' failed to satisfy constraint: Member must have length less than or equal to {meta['max']}"
    if kind == "string":
        if "pattern" in meta and _pattern(meta["pattern"]).fullmatch(value) is None:
            yield f"Value {_show(value)} at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {meta['pattern']}"
        # "runtime" is left to _check_runtime: Lambda answers it with its own error.
        if shape.enum and value not in shape.enum and path != "runtime":
            yield f"Value {_show(value)} at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(shape.enum)}]"
    elif kind == "structure":
        yield from _check_members(shape, value, path + ".")
    elif kind == "list":
        for index, item in enumerate(value, 1):
            if item is not None:
                yield from _check(shape.member, item, f"{path}.{index}.member")
    elif kind == "map":
        for key, item in value.items():
            yield from _check(shape.key, key, f"{path}.key")
            if item is not None:
                yield from _check(shape.value, item, f"{path}.{key}.member")


def _check_members(shape: Shape, params: dict[str, Any], prefix: str) -> Iterator[str]:
    required = shape.required_members
    for name, member in shape.members.items():
        path = prefix + _wire_name(name)
        value = params.get(name)
        if value is None:
            if name in required:
                yield f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
            continue
        yield from _check(member, value, path)


def _check_runtime(shape: Shape, params: dict[str, Any]) -> None:
    # Lambda answers an unknown runtime with its own error, not the model's
    # ValidationException, and admits layer-style ARNs too.
    members = shape.members
    runtime = params.get("Runtime")
    if "Runtime" not in members or not isinstance(runtime, str):
        return
    allowed = members["Runtime"].enum
    if allowed and runtime not in allowed:
        raise InvalidParameterValueException(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(allowed)}] or be a valid ARN"
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
