"""Stack resources made through the Lambda API: what moto's CloudFormation reads of them, and how updates go.

In AWS, CloudFormation creates a stack's Lambda resources by calling Lambda's API. While a mock is
active, lambdamock's wrappers of moto's CloudFormation (_moto_stack_models for the types moto knows,
_moto_stack_types for those it does not) do the same, with Lambda calls that the mock answers, so a
test can invoke what its stack deployed. This module holds what they share: the resource moto keeps
(Deployed), the template's properties as the API takes them, and replacement and cleanup on update.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Any, Callable, Optional

from lambdamock import _active, _moto_auth

# CloudFormation's property names where Lambda's API spells them otherwise.
_RENAMED = {"KmsKeyArn": "KMSKeyArn", "TargetFunctionArn": "FunctionName"}
# Where the tags CloudFormation puts on what a stack makes ride with a resource's properties: no API member
# has this name, so no request carries it. Kept from create to update, for a replacement.
_STACK = "lambdamock:StackTags"
# The resources the stack update in progress on this thread replaced, removed once it is made.
_CLEANUP: contextvars.ContextVar[Optional[list[Deployed]]] = contextvars.ContextVar("lambdamock_cleanup",
                                                                                    default=None)
# How long a stack waits for provisioned concurrency to be READY (lambdamock starts environments in seconds).
_PROVISIONING_S = 60.0
_SID_LIMIT = 100  # AddPermission's StatementId
# The entries of lists CloudFormation writes where the API takes a map: (key, value) names.
_PAIRS = (("Key", "Value"), ("FunctionVersion", "FunctionWeight"))
def _client(region: str) -> Any:
    """A Lambda client, answered by the mock serving this thread (as any client made meanwhile is)."""
    import boto3

    return _moto_auth.trusted(boto3.session.Session().client("lambda", region_name=region))


def _shaped(shape: Any, value: Any) -> Any:
    """A template's value as ``shape`` takes it, as CloudFormation converts it: numbers and booleans from
    strings, strings from numbers and booleans (``true``, not ``True``), maps from lists of pairs and from
    structures."""
    kind = shape.type_name
    if kind in ("integer", "long") and isinstance(value, str):
        return int(value)
    if kind in ("double", "float") and isinstance(value, str):
        return float(value)
    if kind == "boolean" and isinstance(value, str):
        return value.lower() == "true"
    if kind == "string" and isinstance(value, (bool, int, float)):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if kind == "structure" and isinstance(value, dict):
        return {key: _shaped(shape.members[key], item) if key in shape.members else item for key, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_shaped(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        # A map with named keys is a structure in a template, its keys in CloudFormation's case: KafkaBootstrapServers
        # for KAFKA_BOOTSTRAP_SERVERS (AWS::Lambda::EventSourceMapping's SelfManagedEventSource.Endpoints).
        named = {key.replace("_", ""): key for key in getattr(shape.key, "enum", None) or ()}
        return {named.get(key.upper(), key): _shaped(shape.value, item) for key, item in value.items()}
    if kind == "map" and isinstance(value, list):
        pairs = [(entry[key], _shaped(shape.value, entry[item])) for entry in value
                 for key, item in _PAIRS if key in entry]
        return dict(pairs)
    return value


def _parameters(client: Any, operation: str, properties: dict[str, Any]) -> dict[str, Any]:
    """The properties that are members of ``operation``'s request, named and shaped as the API takes them."""
    shape = client.meta.service_model.operation_model(operation).input_shape
    renamed = {_RENAMED.get(name, name): value for name, value in properties.items()}
    return {name: _shaped(shape.members[name], value) for name, value in renamed.items() if name in shape.members}


def _tags(properties: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in properties.get("Tags") or []}


class Deployed:
    """A Lambda resource a stack made through lambdamock: what moto's CloudFormation reads of it."""

    def __init__(self, client: Any, physical_resource_id: str, attributes: dict[str, Any],
                 remove: Callable[[Any], None], properties: dict[str, Any]) -> None:
        self.service = _active.serving()
        self.region: str = client.meta.region_name
        self.physical_resource_id = physical_resource_id
        self.attributes = attributes
        self.properties = properties  # the template's, as last deployed
        self._remove = remove

    def is_created(self) -> bool:
        """Made once the Lambda call answered: moto's CloudFormation need not wait for it."""
        return True

    def get_cfn_attribute(self, name: str) -> Any:
        if name in self.attributes:
            return self.attributes[name]
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    def delete(self, account_id: str, region: str) -> None:
        """moto's call when the stack goes, or no longer has it."""
        self.remove()

    def current(self) -> bool:
        """Whether the mock that made it still serves this thread (else it went with that mock)."""
        service = self.service
        return service is not None and not service.closed and _active.serving() is service

    def remove(self) -> None:
        """Remove it through the Lambda API; already gone, or gone with its mock, is no error."""
        if not self.current():
            return  # never a call that no mock would answer
        client = _client(self.region)
        with contextlib.suppress(client.exceptions.ResourceNotFoundException):
            self._remove(client)


# -- updates, as CloudFormation makes them ----------------------------------------------------
Create = Callable[[Any, str, dict[str, Any]], Deployed]
Update = Callable[[Any, Deployed, str, dict[str, Any]], Deployed]
Changed = Callable[[Any, Deployed, dict[str, Any]], bool]
Change = Callable[[Any, Deployed, dict[str, Any]], None]


def _replaced(original: Deployed, replacement: Deployed) -> Deployed:
    """What CloudFormation does when a change cannot be made in place: the new resource now, the old one gone
    once the whole update is made (its cleanup phase), when nothing refers to it any more.

    Unless they are one: PublishVersion with nothing changed since the last version answers that version.
    """
    if replacement.physical_resource_id != original.physical_resource_id:
        pending = _CLEANUP.get()
        if pending is None:
            original.remove()
        else:
            pending.append(original)
    return replacement


def stack_update(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
    """moto.cloudformation.parsing.ResourceMap.update, then the cleanup of what it replaced.

    A resource that cannot go (an alias still names the old version, say) stays, and the update still
    succeeds, as CloudFormation's cleanup leaves what it fails to delete. A failed update cleans nothing up.
    """
    replaced: list[Deployed] = []
    token = _CLEANUP.set(replaced)
    try:
        result = wrapped(*args, **kwargs)
    finally:
        _CLEANUP.reset(token)
    from botocore.exceptions import ClientError

    for old in replaced:
        with contextlib.suppress(ClientError):
            old.remove()
    return result


def _replacing(create: Create) -> Update:
    """The update of a resource every change of which replaces it (a version, a layer version, a permission)."""

    def update(client: Any, original: Deployed, name: str, properties: dict[str, Any]) -> Deployed:
        return _replaced(original, create(client, name, properties))

    return update


def _differ(*keys: str) -> Changed:
    """Whether the template changed any of ``keys`` since the resource was last deployed."""

    def changed(client: Any, original: Deployed, properties: dict[str, Any]) -> bool:
        return any(properties.get(key) != original.properties.get(key) for key in keys)

    return changed


def _in_place(create: Create, replaces: Changed, change: Change) -> Update:
    """The update of a resource that ``change`` updates in place, unless what ``replaces`` it changed."""

    def update(client: Any, original: Deployed, name: str, properties: dict[str, Any]) -> Deployed:
        if replaces(client, original, properties):
            return _replaced(original, create(client, name, properties))
        change(client, original, properties)
        original.properties = properties
        return original

    return update


def _retag(client: Any, arn: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    before, after = _tags(old), _tags(new)
    if set(before) - set(after):
        client.untag_resource(Resource=arn, TagKeys=sorted(set(before) - set(after)))
    if after != before and after:
        client.tag_resource(Resource=arn, Tags=after)


def _completed(deployed: Deployed, step: Callable[[], None]) -> Deployed:
    """A resource once ``step`` (the calls that complete it) succeeded; if it fails, the stack fails and the
    resource goes, as CloudFormation leaves nothing of a resource it could not make."""
    try:
        step()
    except Exception:
        deployed.remove()
        raise
    return deployed


def _provision(client: Any, function: str, qualifier: str, properties: dict[str, Any],
               previous: Optional[dict[str, Any]] = None) -> None:
    """A version's or an alias's ProvisionedConcurrencyConfig; taken out of the template, it goes."""
    wanted = (properties.get("ProvisionedConcurrencyConfig") or {}).get("ProvisionedConcurrentExecutions")
    if wanted is not None:
        client.put_provisioned_concurrency_config(FunctionName=function, Qualifier=qualifier,
                                                  ProvisionedConcurrentExecutions=int(wanted))
        # CloudFormation waits for the environments (recorded on AWS: LocalStack's test_lambda.snapshot.json,
        # test_lambda_version_provisioned_concurrency, READY once the stack is made).
        deadline = time.monotonic() + _PROVISIONING_S
        while time.monotonic() < deadline and client.get_provisioned_concurrency_config(
                FunctionName=function, Qualifier=qualifier)["Status"] == "IN_PROGRESS":
            time.sleep(0.005)
    elif previous is not None and previous.get("ProvisionedConcurrencyConfig"):
        client.delete_provisioned_concurrency_config(FunctionName=function, Qualifier=qualifier)


def _stack_tags(kwargs: dict[str, Any]) -> dict[str, str]:
    """The tags CloudFormation adds to the resources of a stack (recorded on AWS: LocalStack's
    tests/aws/services/cloudformation/resources/test_lambda.snapshot.json), from what moto passes a create."""
    stack_id, logical_id = kwargs.get("StackId"), kwargs.get("LogicalId")
    if not stack_id or not logical_id:
        return {}
    # arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>
    return {"aws:cloudformation:logical-id": logical_id, "aws:cloudformation:stack-id": stack_id,
            "aws:cloudformation:stack-name": stack_id.split(":")[-1].split("/")[1]}


def _statement_id(name: str) -> str:
    """The Sid CloudFormation gives a permission: the name moto generated for it (stack name, logical id, random
    suffix), cut before the suffix to AddPermission's 100 characters (recorded: LocalStack's AWS-validated
    test_change_set_fn_transform.snapshot.json, test_serverless_fn_transform: the permission's physical id
    ``<stack-name>-HelloWorldFunctionApiEventPermissionProd-xfMFMMYChbqn``, which its Sid is)."""
    if len(name) <= _SID_LIMIT:
        return name
    prefix, _, suffix = name.rpartition("-")
    return f"{prefix[: _SID_LIMIT - len(suffix) - 1].rstrip('-')}-{suffix}"
