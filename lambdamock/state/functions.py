"""Functions and their versions: $LATEST is replaced on change, published versions never change."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import uuid
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple, Optional

if TYPE_CHECKING:
    from lambdamock.state.aliases import Alias
    from lambdamock.state.layers import LayerVersion
    from lambdamock.state.policies import Policy

LATEST = "$LATEST"
# RecursiveLoop: Lambda stops a recursive invocation loop (the default), or lets it run.
TERMINATE = "Terminate"


class RuntimeUpdate(NamedTuple):
    """A version's runtime management: UpdateRuntimeOn and, in Manual mode, the pinned runtime version."""

    mode: str
    runtime_version_arn: Optional[str] = None


AUTO = RuntimeUpdate("Auto")


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def new_revision() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Code:
    """A deployment package: zip bytes, or an image URI for image functions."""

    zip: bytes = b""
    image_uri: Optional[str] = None
    sha256: str = ""
    size: int = 0
    unzipped_size: int = 0
    directory: Optional[str] = None  # code in place (hot reload): run from this directory itself
    source_kms_key_arn: Optional[str] = None  # the customer managed key the zip is kept under (None: AWS's own)

    @classmethod
    def from_zip(cls, data: bytes, unzipped_size: int) -> "Code":
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")
        return cls(zip=data, sha256=digest, size=len(data), unzipped_size=unzipped_size)

    @classmethod
    def in_place(cls, directory: str, packaged: bytes, unzipped_size: int) -> "Code":
        """Code run from ``directory``; its sha and size are those of the tree packaged as a zip."""
        found = cls.from_zip(packaged, unzipped_size)
        return dataclasses.replace(found, zip=b"", directory=directory)

    @classmethod
    def from_image(cls, uri: str, digest: Optional[str]) -> "Code":
        """An image's code: AWS reports its manifest digest (hex), for which the URI's hash stands in when unknown."""
        return cls(image_uri=uri, sha256=digest or hashlib.sha256(uri.encode()).hexdigest(), size=0)


@dataclass(frozen=True, eq=False)
class Version:
    """One version's code and configuration, as FunctionConfiguration reports it."""

    name: str
    arn: str  # unqualified function ARN
    version: str
    code: Code
    runtime: Optional[str]
    handler: Optional[str]
    role: str
    description: str = ""
    timeout: int = 3
    memory_size: int = 128
    # None when the function was never given an Environment (AWS then omits it).
    environment: Optional[Mapping[str, str]] = None
    package_type: str = "Zip"
    # Every other configuration member, in the API's shape (TracingConfig, VpcConfig, ...).
    settings: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # The layer versions it was given, in order; a deleted layer version stays in use here.
    layers: tuple[LayerVersion, ...] = ()
    last_modified: datetime.datetime = field(default_factory=now)
    revision_id: str = field(default_factory=new_revision)

    @property
    def qualified_arn(self) -> str:
        return f"{self.arn}:{self.version}"

    @property
    def snap_started(self) -> bool:
        """Whether SnapStart optimises it: a version published while SnapStart applied to published versions."""
        return (self.settings.get("SnapStart") or {}).get("OptimizationStatus") == "On"

    @property
    def tenant_isolated(self) -> bool:
        """Whether it runs in tenant isolation mode: set at creation (TenancyConfig), never changed."""
        return "TenancyConfig" in self.settings

    @property
    def runtime_version_arn(self) -> str:
        """A stand-in ARN of the runtime version it runs on: one per runtime and architecture, as on AWS."""
        architecture = (self.settings.get("Architectures") or ["x86_64"])[0]
        digest = hashlib.sha256(f"{self.runtime} {architecture}".encode()).hexdigest()
        _, partition, _, region = self.arn.split(":")[:4]
        return f"arn:{partition}:lambda:{region}::runtime:{digest}"

    def changed(self, **changes: Any) -> "Version":
        """A new $LATEST with these changes, a new RevisionId and LastModified."""
        if changes.get("environment") is not None:
            changes["environment"] = MappingProxyType(dict(changes["environment"]))
        if "settings" in changes:
            changes["settings"] = MappingProxyType(dict(changes["settings"]))
        return dataclasses.replace(self, last_modified=now(), revision_id=new_revision(), **changes)

    def settled(self) -> "Version":
        """The version once Lambda finished creating or updating it: a fresh RevisionId."""
        return dataclasses.replace(self, revision_id=new_revision())


def _published_settings(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """A published version's settings: SnapStart on it is On when it applies to published versions (recorded:
    LocalStack test_lambda_api.snapshot.json, TestLambdaSnapStart::test_snapstart_lifecycle[python3.12], 2024)."""
    snap_start = settings.get("SnapStart") or {}
    if snap_start.get("ApplyOn") != "PublishedVersions":
        return settings
    return MappingProxyType({**settings, "SnapStart": {**snap_start, "OptimizationStatus": "On"}})


@dataclass
class Function:
    """A function: its $LATEST, its published versions and what hangs off them."""

    latest: Version
    versions: dict[str, Version] = field(default_factory=dict)
    last_number: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    # Whether $LATEST was created or updated since the last publish: what PublishVersion goes by.
    unpublished: bool = True
    # The ARN of the code signing config attached to the function, if any.
    code_signing_config: Optional[str] = None
    recursive_loop: str = TERMINATE
    # By version ($LATEST or a number); a version not listed updates its runtime automatically.
    runtime_updates: dict[str, RuntimeUpdate] = field(default_factory=dict)
    # Resource-based policies by qualifier ($LATEST: the unqualified function); publishing copies none.
    policies: dict[str, Policy] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.latest.name

    @property
    def arn(self) -> str:
        return self.latest.arn

    def update(self, latest: Version) -> None:
        """$LATEST after UpdateFunctionCode/Configuration: publishing makes a new version, even of identical code."""
        self.latest = latest
        self.unpublished = True

    @property
    def stops_recursive_loops(self) -> bool:
        """True unless PutFunctionRecursionConfig set RecursiveLoop to Allow: Lambda stops a recursive loop."""
        return self.recursive_loop == TERMINATE

    def runtime_update(self, version: str) -> RuntimeUpdate:
        return self.runtime_updates.get(version, AUTO)

    def publish(self, description: Optional[str]) -> Version:
        """Publish $LATEST, or return the newest version when $LATEST was not updated since it was published.

        As on AWS, an update counts even when it changed nothing, and a Description alone never does.
        """
        if not self.unpublished and str(self.last_number) in self.versions:
            return self.versions[str(self.last_number)]
        self.unpublished = False
        self.last_number += 1
        number = str(self.last_number)
        version = dataclasses.replace(
            self.latest,
            version=number,
            description=self.latest.description if description is None else description,
            last_modified=now(),
            revision_id=new_revision(),
            settings=_published_settings(self.latest.settings),
        )
        self.versions[number] = version
        # A new version starts with the runtime management $LATEST has.
        if LATEST in self.runtime_updates:
            self.runtime_updates[number] = self.runtime_updates[LATEST]
        # Publishing is a change to the function: $LATEST gets a new RevisionId too.
        self.latest = dataclasses.replace(self.latest, revision_id=new_revision())
        return version

    def referencing(self, version: str) -> list[str]:
        """Names of the aliases that send traffic to ``version``."""
        return sorted(name for name, alias in self.aliases.items() if version in alias.versions())

    def get(self, qualifier: Optional[str]) -> Optional[Version]:
        if qualifier is None or qualifier == LATEST:
            return self.latest
        return self.versions.get(qualifier)
