"""Layers: numbered versions that never change, never reuse a number, and carry their own policies."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

from lambdamock.state.functions import Code, new_revision, now


@dataclass(frozen=True)
class LayerVersion:
    """One published version of a layer, as a function references it.

    ``code`` is None for a layer of another account: this mock cannot see it, so it is only recorded.
    """

    layer_arn: str
    number: int
    code: Optional[Code]
    description: str = ""
    created: datetime.datetime = field(default_factory=now)
    # None when not given (AWS then omits them); possibly empty.
    runtimes: Optional[tuple[str, ...]] = None
    architectures: Optional[tuple[str, ...]] = None
    license_info: Optional[str] = None
    # Names the (stand-in) S3 object that Content.Location points at.
    location_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def arn(self) -> str:
        return f"{self.layer_arn}:{self.number}"

    @property
    def name(self) -> str:
        return self.layer_arn.rpartition(":")[2]

    @property
    def code_size(self) -> int:
        return self.code.size if self.code is not None else 0

    @property
    def unzipped_size(self) -> int:
        return self.code.unzipped_size if self.code is not None else 0

    def matches(self, runtime: Optional[str], architecture: Optional[str]) -> bool:
        """True when the version declares the runtime and architecture asked for (either may be None: any)."""
        return (runtime is None or runtime in (self.runtimes or ())) and (
            architecture is None or architecture in (self.architectures or ())
        )


@dataclass(frozen=True)
class Policy:
    """A layer version's resource policy: statements in the order they were added; each change is a new revision."""

    statements: tuple[dict[str, Any], ...] = ()
    revision_id: str = field(default_factory=new_revision)

    def has(self, sid: str) -> bool:
        return any(statement["Sid"] == sid for statement in self.statements)

    def adding(self, statement: dict[str, Any]) -> Policy:
        return Policy((*self.statements, statement))

    def without(self, sid: str) -> Policy:
        return Policy(tuple(statement for statement in self.statements if statement["Sid"] != sid))


@dataclass
class Layer:
    """A layer name: its live versions, the last number it gave out, and each version's policy."""

    arn: str
    versions: dict[int, LayerVersion] = field(default_factory=dict)
    last_number: int = 0
    policies: dict[int, Policy] = field(default_factory=dict)

    def publish(self, code: Code, **details: Any) -> LayerVersion:
        """A new version with the next number; numbers of deleted versions are never given again."""
        self.last_number += 1
        version = LayerVersion(self.arn, self.last_number, code, **details)
        self.versions[version.number] = version
        return version

    def delete(self, number: int) -> None:
        """Forget a version and its policy; functions that use it keep their reference."""
        self.versions.pop(number, None)
        self.policies.pop(number, None)

    def newest_first(self, runtime: Optional[str] = None, architecture: Optional[str] = None) -> Iterator[LayerVersion]:
        for number in sorted(self.versions, reverse=True):
            version = self.versions[number]
            if version.matches(runtime, architecture):
                yield version
