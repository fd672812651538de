"""Model-based testing: random sequences of operations through boto3, checked against a small model.

The model knows names, versions, what each version holds, aliases with weights, reservations and
RevisionIds; after every step the mock must agree with it. ``HYPOTHESIS_PROFILE=nightly`` runs more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from lambdamock import mock_lambda, package
from tests.helpers import ROLE

NAMES = st.sampled_from(["a", "b", "c"])
ALIASES = st.sampled_from(["live", "beta"])
VERSIONS = st.sampled_from(["1", "2", "3", "4"])
CODE = package({"app.py": "import os\ndef handler(e, c):\n    return os.environ['AWS_LAMBDA_FUNCTION_VERSION']\n"})
LIMIT = 1000
# One client for every example: creating clients costs more than the steps; the mock serves it anyway.
CLIENT = boto3.client("lambda", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))


@dataclass
class Model:
    """One function as the model sees it."""

    description: str = ""
    published: dict[str, str] = field(default_factory=dict)  # version -> description it was published with
    last: int = 0
    updated: bool = True  # $LATEST created or updated since the last publish (AWS's rule for PublishVersion)
    aliases: dict[str, tuple[str, dict[str, float]]] = field(default_factory=dict)
    reserved: Optional[int] = None
    revision: Optional[str] = None  # $LATEST's RevisionId as last seen


class LambdaMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.mock = mock_lambda(seed=1).start()
        self.client = CLIENT
        self.model: dict[str, Model] = {}

    def teardown(self) -> None:
        self.mock.stop()

    def fails(self, code: str, call: Any, **params: Any) -> None:
        with pytest.raises(ClientError) as caught:
            call(**params)
        assert caught.value.response["Error"]["Code"] == code

    # -- functions and versions --------------------------------------------------------

    @rule(name=NAMES)
    def create(self, name: str) -> None:
        params = dict(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler", Code={"ZipFile": CODE})
        if name in self.model:
            self.fails("ResourceConflictException", self.client.create_function, **params)
            return
        created = self.client.create_function(**params)
        # It settles (Pending, then Active) under a new RevisionId, as on AWS.
        assert created["RevisionId"]
        self.model[name] = Model()

    @rule(name=NAMES, description=st.sampled_from(["x", "y"]))
    def describe(self, name: str, description: str) -> None:
        if name not in self.model:
            self.fails("ResourceNotFoundException", self.client.update_function_configuration,
                       FunctionName=name, Description=description)
            return
        updated = self.client.update_function_configuration(FunctionName=name, Description=description)
        assert updated["RevisionId"] != self.model[name].revision
        self.model[name].description = description
        self.model[name].updated = True  # even to the same description: publishing makes a version
        self.model[name].revision = None  # settles to another one; read back by the invariant

    @rule(name=NAMES)
    def publish(self, name: str) -> None:
        if name not in self.model:
            self.fails("ResourceNotFoundException", self.client.publish_version, FunctionName=name)
            return
        entry = self.model[name]
        version = self.client.publish_version(FunctionName=name)["Version"]
        newest = str(entry.last)
        if not entry.updated and newest in entry.published:
            assert version == newest, "no update since it was published: the newest version comes back"
            return
        entry.updated = False
        entry.last += 1
        assert version == str(entry.last)
        entry.published[version] = entry.description
        entry.revision = None

    @rule(name=NAMES, version=VERSIONS)
    def delete_version(self, name: str, version: str) -> None:
        entry = self.model.get(name)
        if entry is None:
            self.fails("ResourceNotFoundException", self.client.delete_function, FunctionName=name, Qualifier=version)
            return
        if any(version == primary or version in weights for primary, weights in entry.aliases.values()):
            self.fails("ResourceConflictException", self.client.delete_function, FunctionName=name, Qualifier=version)
            return
        self.client.delete_function(FunctionName=name, Qualifier=version)
        entry.published.pop(version, None)

    @rule(name=NAMES)
    def delete(self, name: str) -> None:
        if name not in self.model:
            self.fails("ResourceNotFoundException", self.client.delete_function, FunctionName=name)
            return
        self.client.delete_function(FunctionName=name)
        del self.model[name]

    # -- aliases ---------------------------------------------------------------------------

    @rule(name=NAMES, alias=ALIASES, version=VERSIONS, extra=st.none() | VERSIONS,
          weight=st.sampled_from([0.0, 0.25, 1.0]))
    def create_alias(self, name: str, alias: str, version: str, extra: Optional[str], weight: float) -> None:
        weights = {} if extra is None or extra == version else {extra: weight}
        params = dict(FunctionName=name, Name=alias, FunctionVersion=version,
                      RoutingConfig={"AdditionalVersionWeights": weights})
        entry = self.model.get(name)
        if entry is None or version not in entry.published or any(v not in entry.published for v in weights):
            self.fails("ResourceNotFoundException", self.client.create_alias, **params)
        elif alias in entry.aliases:
            self.fails("ResourceConflictException", self.client.create_alias, **params)
        else:
            self.client.create_alias(**params)
            entry.aliases[alias] = (version, weights)

    @rule(name=NAMES, alias=ALIASES)
    def delete_alias(self, name: str, alias: str) -> None:
        if name not in self.model:
            self.fails("ResourceNotFoundException", self.client.delete_alias, FunctionName=name, Name=alias)
            return
        self.client.delete_alias(FunctionName=name, Name=alias)
        self.model[name].aliases.pop(alias, None)

    @rule(name=NAMES, alias=ALIASES)
    def invoke_alias(self, name: str, alias: str) -> None:
        entry = self.model.get(name)
        if entry is None or alias not in entry.aliases:
            self.fails("ResourceNotFoundException", self.client.invoke, FunctionName=name, Qualifier=alias)
            return
        if entry.reserved == 0:  # a reservation of 0 throttles every invocation of the function
            self.fails("TooManyRequestsException", self.client.invoke, FunctionName=name, Qualifier=alias)
            return
        response = self.client.invoke(FunctionName=name, Qualifier=alias)
        primary, weights = entry.aliases[alias]
        possible = {primary, *(v for v, w in weights.items() if w > 0)}
        if weights and all(w == 1.0 for w in weights.values()):
            possible = set(weights)
        assert response["ExecutedVersion"] in possible
        assert response["Payload"].read().decode() == f'"{response["ExecutedVersion"]}"'

    # -- reserved concurrency --------------------------------------------------------------

    @rule(name=NAMES, count=st.sampled_from([0, 1, 400, 900]))
    def reserve(self, name: str, count: int) -> None:
        entry = self.model.get(name)
        if entry is None:
            self.fails("ResourceNotFoundException", self.client.put_function_concurrency,
                       FunctionName=name, ReservedConcurrentExecutions=count)
            return
        others = sum(e.reserved or 0 for n, e in self.model.items() if n != name)
        if LIMIT - others - count < 100:
            self.fails("InvalidParameterValueException", self.client.put_function_concurrency,
                       FunctionName=name, ReservedConcurrentExecutions=count)
            return
        self.client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=count)
        entry.reserved = count
        assert self.client.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == count

    @precondition(lambda self: self.model)
    @rule(name=NAMES)
    def unreserve(self, name: str) -> None:
        if name in self.model:
            self.client.delete_function_concurrency(FunctionName=name)
            self.model[name].reserved = None
            assert "ReservedConcurrentExecutions" not in self.client.get_function_concurrency(FunctionName=name)

    # -- the mock must agree with the model after every step ----------------------------

    @invariant()
    def agrees(self) -> None:
        listed = self.client.list_functions(FunctionVersion="ALL")["Functions"]
        seen: dict[str, dict[str, dict[str, Any]]] = {}
        for item in listed:
            seen.setdefault(item["FunctionName"], {})[item["Version"]] = item
        assert set(seen) == set(self.model)
        for name, entry in self.model.items():
            assert set(seen[name]) == {"$LATEST", *entry.published}
            assert seen[name]["$LATEST"]["Description"] == entry.description
            for version, description in entry.published.items():
                assert seen[name][version]["Description"] == description
            revision = seen[name]["$LATEST"]["RevisionId"]
            if entry.revision is not None:
                assert revision == entry.revision, "RevisionId changed without a change"
            entry.revision = revision
            aliases = self.client.list_aliases(FunctionName=name)["Aliases"]
            assert {
                a["Name"]: (a["FunctionVersion"], a.get("RoutingConfig", {}).get("AdditionalVersionWeights", {}))
                for a in aliases
            } == entry.aliases
        unreserved = self.client.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
        assert unreserved == LIMIT - sum(e.reserved or 0 for e in self.model.values())


LambdaMachine.TestCase.settings = settings(
    max_examples=max(300, settings.default.max_examples),
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
TestLambdaModel = LambdaMachine.TestCase
