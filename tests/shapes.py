"""Hypothesis strategies for values of botocore shapes, shared by the codec round trips and the fuzzer."""

from __future__ import annotations

import datetime
from typing import Any, Mapping, Optional

from botocore.model import Shape
from hypothesis import strategies as st

UTC = datetime.timezone.utc
TEXT = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="/"), min_size=1, max_size=12)
STAMPS = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))  # older botocore sends whole seconds


def values(
    shape: Shape, depth: int = 0, named: Optional[Mapping[str, st.SearchStrategy[Any]]] = None
) -> st.SearchStrategy[Any]:
    """Values of ``shape``: type-correct, otherwise arbitrary; ``named`` overrides members by name."""
    named = named or {}
    kind = shape.type_name
    if kind == "structure":
        if depth > 3:
            return st.just({})
        members = {
            name: named[name] if name in named else values(member, depth + 1, named)
            for name, member in shape.members.items()
            if not member.metadata.get("eventstream") and not shape.members[name].serialization.get("eventstream")
        }
        return st.fixed_dictionaries({}, optional=members)
    if kind == "list":
        return st.lists(values(shape.member, depth + 1, named), max_size=3)
    if kind == "map":
        return st.dictionaries(TEXT, values(shape.value, depth + 1, named), max_size=3)
    if kind == "string":
        return st.sampled_from(shape.enum) if shape.enum else TEXT
    if kind in ("integer", "long"):
        return st.integers(min_value=-(2**31), max_value=2**31 - 1)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "blob":
        return st.binary(min_size=1, max_size=20)
    if kind == "timestamp":
        return STAMPS
    raise AssertionError(kind)
