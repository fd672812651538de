"""moto's CloudFormation deploying Lambda resources: made through the Lambda API, so lambdamock holds them.

In AWS, CloudFormation creates a stack's functions, mappings, versions, layers and permissions by
calling Lambda's API. moto's CloudFormation calls its own Lambda backend instead; while a mock is
active these wrappers make the same resources with Lambda calls that the mock answers, so a test
can invoke what its stack deployed. Outside a mock, moto deploys them itself as before.
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from typing import Any, Callable, Optional

from lambdamock import _active

# The file CloudFormation writes a template's inline ZipFile code to, by runtime family.
_INLINE = {"python": "index.py", "nodejs": "index.js"}


def _client(region: str) -> Any:
    """A Lambda client, answered by the mock serving this thread (as any client made meanwhile is)."""
    import boto3

    return boto3.session.Session().client("lambda", region_name=region)


def _parameters(client: Any, operation: str, properties: dict[str, Any]) -> dict[str, Any]:
    """The properties that are members of ``operation``'s request, with CloudFormation's strings made numbers."""
    shape = client.meta.service_model.operation_model(operation).input_shape
    found: dict[str, Any] = {}
    for name, value in properties.items():
        member = shape.members.get(name)
        if member is None:
            continue
        if member.type_name in ("integer", "long") and isinstance(value, str):
            value = int(value)
        elif member.type_name == "boolean" and isinstance(value, str):
            value = value.lower() == "true"
        found[name] = value
    return found


def _tags(properties: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in properties.get("Tags") or []}


def _cfn_response() -> Optional[str]:
    """The source of the cfn-response module moto ships (where it keeps it differs between versions)."""
    import moto

    for relative in ("packages/cfnresponse/cfnresponse.py", "awslambda/resources/cfnresponse.py.txt"):
        path = os.path.join(os.path.dirname(moto.__file__), relative)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as source:
                return source.read()
    return None


def _inline(code: dict[str, Any], runtime: Optional[str]) -> dict[str, Any]:
    """A template's Code, its inline ZipFile source (if any) packaged as CloudFormation packages it."""
    source = code.get("ZipFile")
    if not isinstance(source, str):
        return code
    family = "nodejs" if (runtime or "").startswith("nodejs") else "python"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_INLINE[family], source)
        cfnresponse = _cfn_response()
        if family == "python" and cfnresponse is not None:
            # Lambda's cfn-response module comes with inline Python code.
            archive.writestr("cfnresponse.py", cfnresponse)
    return {**code, "ZipFile": buffer.getvalue()}


class Deployed:
    """A Lambda resource a stack made through lambdamock: what moto's CloudFormation reads of it."""

    def __init__(self, region: str, physical_resource_id: str, attributes: dict[str, Any],
                 remove: Callable[[Any], None]) -> None:
        self.region = region
        self.physical_resource_id = physical_resource_id
        self.attributes = attributes
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

    def remove(self) -> None:
        """Remove it through the Lambda API; already gone is no error."""
        client = _client(self.region)
        with contextlib.suppress(client.exceptions.ResourceNotFoundException):
            self._remove(client)


# -- AWS::Lambda::Function ----------------------------------------------------------------


def _create_function(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    request = _parameters(client, "CreateFunction", properties)
    request.update(FunctionName=name, Code=_inline(properties.get("Code") or {}, properties.get("Runtime")))
    request.pop("Tags", None)  # CloudFormation's list of Key and Value, Lambda's map
    if properties.get("Tags"):
        request["Tags"] = _tags(properties)
    created = client.create_function(**request)
    if "ReservedConcurrentExecutions" in properties:
        _reserve(client, name, properties)
    return _function(client.meta.region_name, created)


def _reserve(client: Any, name: str, properties: dict[str, Any]) -> None:
    client.put_function_concurrency(FunctionName=name,
                                    ReservedConcurrentExecutions=int(properties["ReservedConcurrentExecutions"]))


def _function(region: str, configuration: dict[str, Any]) -> Deployed:
    name = configuration["FunctionName"]
    return Deployed(region, name, {"Arn": configuration["FunctionArn"]},
                    lambda client: client.delete_function(FunctionName=name))


def _update_function(client: Any, original: Deployed, properties: dict[str, Any]) -> Deployed:
    # A name the template gives, changed, replaces the function; a generated one stays (moto draws a new
    # one for each update, which is not what CloudFormation does).
    name = properties.get("FunctionName") or original.physical_resource_id
    if name != original.physical_resource_id:
        replacement = _create_function(client, name, properties)
        original.remove()
        return replacement
    settings = _parameters(client, "UpdateFunctionConfiguration", properties)
    client.update_function_configuration(**{**settings, "FunctionName": name})
    code = _inline(properties.get("Code") or {}, properties.get("Runtime"))
    client.update_function_code(**{**_parameters(client, "UpdateFunctionCode", code), "FunctionName": name})
    arn = original.attributes["Arn"]
    old = client.list_tags(Resource=arn)["Tags"]
    new = _tags(properties)
    if set(old) - set(new):
        client.untag_resource(Resource=arn, TagKeys=sorted(set(old) - set(new)))
    if new:
        client.tag_resource(Resource=arn, Tags=new)
    if "ReservedConcurrentExecutions" in properties:
        _reserve(client, name, properties)
    else:
        client.delete_function_concurrency(FunctionName=name)
    return original


# -- the others ---------------------------------------------------------------------------


def _create_mapping(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    created = client.create_event_source_mapping(**_parameters(client, "CreateEventSourceMapping", properties))
    return _mapping(client.meta.region_name, created)


def _mapping(region: str, mapping: dict[str, Any]) -> Deployed:
    identifier = mapping["UUID"]
    attributes = {"Id": identifier, "EventSourceMappingArn": mapping.get("EventSourceMappingArn")}
    return Deployed(region, identifier, attributes, lambda client: client.delete_event_source_mapping(UUID=identifier))


def _update_mapping(client: Any, original: Deployed, properties: dict[str, Any]) -> Deployed:
    settings = _parameters(client, "UpdateEventSourceMapping", properties)
    return _mapping(client.meta.region_name,
                    client.update_event_source_mapping(UUID=original.physical_resource_id, **settings))


def _create_version(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    published = client.publish_version(**_parameters(client, "PublishVersion", properties))
    function, version = published["FunctionName"], published["Version"]
    return Deployed(client.meta.region_name, published["FunctionArn"], {"Version": version},
                    lambda client: client.delete_function(FunctionName=function, Qualifier=version))


def _create_layer_version(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    request = _parameters(client, "PublishLayerVersion", properties)
    request.setdefault("LayerName", name)
    published = client.publish_layer_version(**request)
    layer, version = published["LayerArn"], published["Version"]
    return Deployed(client.meta.region_name, published["LayerVersionArn"],
                    {"LayerVersionArn": published["LayerVersionArn"]},
                    lambda client: client.delete_layer_version(LayerName=layer, VersionNumber=version))


def _create_permission(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    statement = name  # moto's CloudFormation gives the resource a unique name, as CloudFormation does
    request = _parameters(client, "AddPermission", properties)
    client.add_permission(StatementId=statement, **request)
    function = request["FunctionName"]
    return Deployed(client.meta.region_name, statement, {},
                    lambda client: client.remove_permission(FunctionName=function, StatementId=statement))


# -- installed on moto's classes ------------------------------------------------------------

Create = Callable[[Any, str, dict[str, Any]], Deployed]
Update = Callable[[Any, Deployed, dict[str, Any]], Deployed]


def _creating(original: Callable[..., Any], create: Create) -> Callable[..., Any]:
    def create_from_cloudformation_json(cls: type, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str, **kwargs: Any) -> Any:
        if _active.serving() is None:
            return original(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        return create(_client(region_name), resource_name, cloudformation_json.get("Properties") or {})

    return create_from_cloudformation_json


def _updating(original: Callable[..., Any], update: Update) -> Callable[..., Any]:
    def update_from_cloudformation_json(cls: type, original_resource: Any, new_resource_name: str,
                                        cloudformation_json: dict[str, Any], account_id: str,
                                        region_name: str) -> Any:
        if not isinstance(original_resource, Deployed) or _active.serving() is None:
            return original(original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        return update(_client(region_name), original_resource, cloudformation_json.get("Properties") or {})

    return update_from_cloudformation_json


_CREATES: dict[str, Create] = {
    "LambdaFunction": _create_function,
    "EventSourceMapping": _create_mapping,
    "LambdaVersion": _create_version,
    "LayerVersion": _create_layer_version,
    "Permission": _create_permission,
}
_UPDATES: dict[str, Update] = {"LambdaFunction": _update_function, "EventSourceMapping": _update_mapping}


def install(models: Any) -> None:
    """Route moto.awslambda.models' CloudFormation classes through lambdamock while a mock is active.

    Plain classmethods, not wrapt's wrappers: moto skips an update whose method has an
    ``__isabstractmethod__`` attribute, and wrapt's wrappers have one.
    """
    for name, create in _CREATES.items():
        model = getattr(models, name)
        model.create_from_cloudformation_json = classmethod(_creating(model.create_from_cloudformation_json, create))
    for name, update in _UPDATES.items():
        model = getattr(models, name)
        model.update_from_cloudformation_json = classmethod(_updating(model.update_from_cloudformation_json, update))
