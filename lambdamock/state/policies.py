"""Resource-based policies: the document of one function, version or alias, and what it allows."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping, Optional, Union

from lambdamock.state.functions import new_revision

Statement = Mapping[str, Any]
# What AddPermission starts a document with (the order AWS shows: Version, Id, Statement).
DEFAULT_HEADER: Mapping[str, Any] = MappingProxyType({"Version": "2012-10-17", "Id": "default"})

_ACCOUNT = re.compile(r"\d{12}")
# An IAM principal's ARN, or an STS one (a role session, a federated user: IAM's "Role session principals").
_IAM_ARN = re.compile(r"arn:aws[a-zA-Z-]*:(?:iam|sts)::\d{12}:\S+")
# How many decisions a policy keeps (requests differ in source ARN and account: there could be many).
_DECISIONS = 256
# Service principals are host names under amazonaws.com (amazonaws.com.cn in China) or amazon.com (Alexa).
_SERVICE = re.compile(r"[a-z0-9][a-z0-9.-]*\.(?:amazonaws\.com(?:\.cn)?|amazon\.com)")


def principal(value: str, partition: str) -> Optional[Union[str, dict[str, str]]]:
    """The Principal element AddPermission writes for a principal as given; None when AWS refuses it."""
    if value == "*":
        return "*"
    if _ACCOUNT.fullmatch(value):
        return {"AWS": f"arn:{partition}:iam::{value}:root"}
    if _IAM_ARN.fullmatch(value):
        return {"AWS": value}
    if _SERVICE.fullmatch(value):
        return {"Service": value}
    return None


@dataclass(frozen=True)
class Request:
    """What a caller asks of a function, with the values its policy's conditions can test.

    ``principal`` is a service principal (``sns.amazonaws.com``), an IAM ARN or account id, or
    None for an anonymous caller (a function URL with AuthType NONE).
    """

    action: str
    principal: Optional[str] = None
    source_arn: Optional[str] = None
    source_account: Optional[str] = None
    principal_org_id: Optional[str] = None
    url_auth_type: Optional[str] = None
    invoked_via_url: bool = False
    event_source_token: Optional[str] = None

    def context(self) -> dict[str, str]:
        """The request's condition keys (lower case: IAM compares key names case-insensitively)."""
        values = {
            "aws:sourcearn": self.source_arn,
            "aws:sourceaccount": self.source_account,
            "aws:principalorgid": self.principal_org_id,
            "lambda:functionurlauthtype": self.url_auth_type,
            "lambda:invokedviafunctionurl": "true" if self.invoked_via_url else "false",
            "lambda:eventsourcetoken": self.event_source_token,
        }
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class Policy:
    """One resource's policy document; replaced whole on every change, with a RevisionId of its own."""

    resource: str  # the function, version or alias ARN the policy is attached to
    statements: tuple[Statement, ...] = ()
    # The document's other top-level members, in its order.
    header: Mapping[str, Any] = field(default_factory=lambda: DEFAULT_HEADER)
    revision_id: str = field(default_factory=new_revision)
    # What it decided, by request: a policy never changes (a change makes a new one), so neither do they.
    _decisions: dict[Request, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def parse(cls, resource: str, text: str) -> Optional[Policy]:
        """The policy a PutResourcePolicy document describes; None when it is not a policy document."""
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than json can follow
            return None
        if not isinstance(document, dict):
            return None
        statements = document.get("Statement")
        if isinstance(statements, dict):
            statements = [statements]
        if not isinstance(statements, list) or not statements or not all(map(_well_formed, statements)):
            return None
        header = {key: value for key, value in document.items() if key != "Statement"}
        return cls(resource, tuple(statements), MappingProxyType(header))

    @property
    def text(self) -> str:
        """The document as GetPolicy returns it: compact JSON, AWS's member order."""
        return json.dumps({**self.header, "Statement": list(self.statements)}, separators=(",", ":"),
                          ensure_ascii=False)

    def find(self, sid: str) -> Optional[Statement]:
        return next((statement for statement in self.statements if statement.get("Sid") == sid), None)

    def adding(self, statement: Statement) -> Policy:
        return dataclasses.replace(self, statements=(*self.statements, statement), revision_id=new_revision())

    def removing(self, sid: str) -> Optional[Policy]:
        """The policy without statement ``sid``; None when nothing is left (AWS then deletes the policy)."""
        kept = tuple(statement for statement in self.statements if statement.get("Sid") != sid)
        return dataclasses.replace(self, statements=kept, revision_id=new_revision()) if kept else None

    def allows(self, request: Request) -> bool:
        """IAM's rule within one policy: some statement allows the request and none denies it."""
        decided = self._decisions.get(request)
        if decided is None:
            effects = {statement.get("Effect") for statement in self.statements if _applies(statement, request, self)}
            decided = "Allow" in effects and "Deny" not in effects
            if len(self._decisions) < _DECISIONS:
                self._decisions[request] = decided
        return decided


def _well_formed(statement: Any) -> bool:
    return (
        isinstance(statement, dict)
        and statement.get("Effect") in ("Allow", "Deny")
        and ("Principal" in statement or "NotPrincipal" in statement)
        and ("Action" in statement or "NotAction" in statement)
    )


def _applies(statement: Statement, request: Request, policy: Policy) -> bool:
    # Statements written with NotPrincipal, NotAction or NotResource never apply: an Allow so
    # written grants nothing here, which errs on the side of refusing.
    return (
        _principal_matches(statement.get("Principal"), request.principal)
        and any(_like(action, request.action, re.IGNORECASE) for action in _values(statement.get("Action")))
        and any(_like(resource, policy.resource) for resource in _values(statement.get("Resource")))
        and _conditions_hold(statement.get("Condition") or {}, request.context())
    )


def _values(element: Any) -> Iterator[str]:
    """A policy element's values: a string, a list of them, or (for Bool conditions) JSON booleans."""
    items = element if isinstance(element, list) else [] if element is None else [element]
    for item in items:
        yield str(item).lower() if isinstance(item, bool) else str(item)


def _principal_matches(element: Any, who: Optional[str]) -> bool:
    if element == "*":
        return True
    if not isinstance(element, dict):
        return False
    granted = set(_values(element.get("AWS")))
    if "*" in granted:
        return True
    if who is None:
        return False
    if who in set(_values(element.get("Service"))) or who in granted:
        return True
    # An account's root stands for every principal of that account.
    account = who if _ACCOUNT.fullmatch(who) else who.split(":")[4] if _IAM_ARN.fullmatch(who) else None
    return account is not None and (account in granted or any(
        value.startswith("arn:") and value.endswith(f":iam::{account}:root") for value in granted
    ))


def _conditions_hold(condition: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    if not isinstance(condition, dict):
        return False
    for operator, tests in condition.items():
        if not isinstance(tests, dict):
            return False
        negated = "Not" in operator
        matcher = _MATCHERS.get(operator.replace("Not", "", 1))
        if matcher is None:
            return False  # an operator lambdamock does not know: the statement does not apply
        for key, wanted in tests.items():
            value = context.get(key.lower())
            # A key the request lacks matches nothing: negated operators then hold.
            matched = value is not None and any(matcher(pattern, value) for pattern in _values(wanted))
            if matched == negated:
                return False
    return True


@lru_cache(maxsize=512)
def _glob(pattern: str, flags: int) -> re.Pattern[str]:
    """IAM's wildcards: ``*`` any run of characters, ``?`` one character."""
    parts = (".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), re.DOTALL | flags)


def _like(pattern: str, value: str, flags: int = 0) -> bool:
    return _glob(pattern, flags).fullmatch(value) is not None


def _arn_like(pattern: str, value: str) -> bool:
    # Each of an ARN's six colon-separated parts is matched on its own (the last keeps its colons).
    wanted, actual = pattern.split(":", 5), value.split(":", 5)
    return len(wanted) == len(actual) == 6 and all(map(_like, wanted, actual))


_MATCHERS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda pattern, value: pattern == value,
    "StringEqualsIgnoreCase": lambda pattern, value: pattern.lower() == value.lower(),
    "StringLike": _like,
    "ArnEquals": _arn_like,  # IAM gives ArnEquals the same wildcards as ArnLike
    "ArnLike": _arn_like,
    "Bool": lambda pattern, value: pattern.lower() == value,
}
