"""Aliases: a name for a version, optionally sharing traffic with one more version by weight."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from lambdamock.state.functions import new_revision


@dataclass(frozen=True)
class Alias:
    """An alias of a function; ``weights`` maps an additional version to its share."""

    name: str
    function_version: str
    description: str = ""
    weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    revision_id: str = field(default_factory=new_revision)

    def changed(self, **changes: object) -> "Alias":
        if "weights" in changes:
            changes["weights"] = MappingProxyType(dict(changes["weights"]))  # type: ignore[call-overload]
        return dataclasses.replace(self, revision_id=new_revision(), **changes)  # type: ignore[arg-type]

    def versions(self) -> frozenset[str]:
        """Every version this alias can send traffic to."""
        return frozenset((self.function_version, *self.weights))

    def draw(self, rng: random.Random) -> str:
        """The version one invocation runs: each additional version by its weight, else the primary."""
        if not self.weights:
            return self.function_version
        point = rng.random()
        for version, weight in self.weights.items():
            if point < weight:
                return version
            point -= weight
        return self.function_version
