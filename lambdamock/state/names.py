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


class Reference(NamedTuple):
    name: str
    qualifier: Optional[str]
    region: Optional[str]
    account: Optional[str]


@functools.lru_cache(maxsize=4096)
def parse(reference: str) -> Optional[Reference]:
    """Split a function reference; None when it is no reference at all (answers are kept: they never change)."""
    found = _REFERENCE.match(reference)
    if found is None:
        return None
    return Reference(found["name"], found["qualifier"], found["region"], found["account"])


def function_arn(partition: str, region: str, account: str, name: str) -> str:
    return f"arn:{partition}:lambda:{region}:{account}:function:{name}"
