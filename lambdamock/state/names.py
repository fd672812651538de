"""Function references in every form the API accepts: name, ARN, partial ARN, qualified."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple, Optional

# arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]
# <account>:function:<name>[:<qualifier>]
# <name>[:<qualifier>]
_REFERENCE = re.compile(
    r"(?:arn:aws[a-zA-Z-]*:lambda:)?"
    r"(?:(?P<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?"
    r"(?:function:)?"
    r"(?P<name>[a-zA-Z0-9_.-]+)"
    r"(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9_-]+))?\Z"
)

_QUALIFIER = re.compile(r"[a-zA-Z0-9_-]+")


class Reference(NamedTuple):
    name: str
    qualifier: Optional[str]
    region: Optional[str]
    account: Optional[str]


@functools.lru_cache(maxsize=4096)
def parse(reference: str) -> Optional[Reference]:
    """Split a function reference; None when it is no reference at all (answers are kept: they never change).

    ``my-func-1:live`` is a name and a qualifier, although the pattern also reads it as a region and a
    name: ``<region>:<name>`` is no form AWS documents, and names like ``my-func-1`` are common.
    """
    found = _REFERENCE.match(reference)
    if found is None:
        return None
    if found["region"] is not None and reference.count(":") == 1 and _QUALIFIER.fullmatch(found["name"]):
        return Reference(found["region"], found["name"], None, None)
    return Reference(found["name"], found["qualifier"], found["region"], found["account"])


def function_arn(partition: str, region: str, account: str, name: str) -> str:
    return f"arn:{partition}:lambda:{region}:{account}:function:{name}"
