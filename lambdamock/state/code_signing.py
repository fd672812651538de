"""Code signing configurations of one region: who may sign, and what an unsigned upload gets."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from dataclasses import dataclass, field
from typing import Iterator, Mapping, Optional

from lambdamock.state.functions import now

WARN = "Warn"


@dataclass(frozen=True)
class CodeSigningConfig:
    id: str  # csc- and 17 lowercase hex digits, as AWS makes them
    arn: str
    publishers: tuple[str, ...]
    policy: str = WARN  # UntrustedArtifactOnDeployment: Warn or Enforce
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    last_modified: datetime.datetime = field(default_factory=now)

    def changed(
        self, description: Optional[str], publishers: Optional[tuple[str, ...]], policy: Optional[str]
    ) -> "CodeSigningConfig":
        """This config with the members given (None keeps one) and a new LastModified."""
        return dataclasses.replace(
            self,
            description=self.description if description is None else description,
            publishers=self.publishers if publishers is None else publishers,
            policy=self.policy if policy is None else policy,
            last_modified=now(),
        )


class CodeSigningConfigs:
    """A region's code signing configs by ARN; listed in id order, so a marker survives deletions."""

    def __init__(self, region: str, account_id: str, partition: str) -> None:
        self._prefix = f"arn:{partition}:lambda:{region}:{account_id}:code-signing-config:"
        self._by_arn: dict[str, CodeSigningConfig] = {}

    def create(
        self, publishers: tuple[str, ...], policy: Optional[str], description: Optional[str],
        tags: Mapping[str, str],
    ) -> CodeSigningConfig:
        while True:
            config_id = "csc-" + uuid.uuid4().hex[:17]
            if self._prefix + config_id not in self._by_arn:
                break
        config = CodeSigningConfig(
            id=config_id, arn=self._prefix + config_id, publishers=publishers, policy=policy or WARN,
            description=description or "", tags=dict(tags),
        )
        self.put(config)
        return config

    def get(self, arn: str) -> Optional[CodeSigningConfig]:
        return self._by_arn.get(arn)

    def put(self, config: CodeSigningConfig) -> None:
        self._by_arn[config.arn] = config

    def delete(self, arn: str) -> None:
        del self._by_arn[arn]

    def after(self, marker: Optional[str]) -> Iterator[CodeSigningConfig]:
        """Configs in list order, starting after the one whose id is ``marker``."""
        for config in sorted(self._by_arn.values(), key=lambda config: config.id):
            if marker is None or config.id > marker:
                yield config
