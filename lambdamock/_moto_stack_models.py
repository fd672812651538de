"""moto's own Lambda models in CloudFormation (functions, mappings, versions, layers, permissions), made in lambdamock.

While a mock is active, moto's CloudFormation creates and updates these through Lambda's API, as
CloudFormation does in AWS, instead of in moto's own Lambda backend; outside a mock, moto deploys
them itself as before.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Optional

from lambdamock import _active
from lambdamock._moto_stacks import (
    _RENAMED,
    _STACK,
    Create,
    Deployed,
    Update,
    _client,
    _completed,
    _differ,
    _in_place,
    _parameters,
    _provision,
    _replacing,
    _retag,
    _stack_tags,
    _statement_id,
)
from lambdamock.operations._base import service_tags
from lambdamock.packaging import package

# The file CloudFormation writes a template's inline ZipFile code to, by runtime family.
_INLINE = {"python": "index.py", "nodejs": "index.js"}
# A mapping's settings that go when an updated template no longer gives them (CloudFormation sends them
# empty, as go-to-k/cdkd#976 reports).
_MAPPING_RESETS = ("FilterCriteria", "ScalingConfig")
# The Kafka configurations of a mapping: their consumer group is fixed once made, and UpdateEventSourceMapping refuses
# one even unchanged; the rest of them (a schema registry) is updated in place.
_KAFKA_CONFIGS = ("AmazonManagedKafkaEventSourceConfig", "SelfManagedKafkaEventSourceConfig")
# A function's GetAtt attributes besides Arn (AWS::Lambda::Function's return values).
_SNAP_START = ("SnapStartResponse.ApplyOn", "SnapStartResponse.OptimizationStatus")
# AWS::Lambda::Function's create-only properties besides its name, and what a template without them means.
_CREATE_ONLY: dict[str, Any] = {"PackageType": "Zip", "TenancyConfig": None}
# The longest function name Lambda takes.
_NAME_LIMIT = 64
# What a function's setting goes back to when an updated template no longer gives it, as CloudFormation resets it.
_DEFAULTS: dict[str, Any] = {
    "Description": "", "Timeout": 3, "MemorySize": 128, "Environment": {"Variables": {}}, "Layers": [],
    "TracingConfig": {"Mode": "PassThrough"}, "DeadLetterConfig": {"TargetArn": ""}, "KMSKeyArn": "",
    "EphemeralStorage": {"Size": 512}, "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []},
    "FileSystemConfigs": [], "SnapStart": {"ApplyOn": "None"},
}



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
    files = {_INLINE[family]: source}
    cfnresponse = _cfn_response()
    if family == "python" and cfnresponse is not None:
        files["cfnresponse.py"] = cfnresponse  # Lambda's cfn-response module comes with inline Python code
    return {**code, "ZipFile": package(files)}  # the same bytes, so the same CodeSha256, for the same source


# -- AWS::Lambda::Function ----------------------------------------------------------------


def _generated(name: str, properties: dict[str, Any]) -> str:
    """A name moto generated (stack-logical id-suffix), cut to Lambda's 64 characters as CloudFormation cuts the
    names it generates: the stack's and the resource's names shortened, the random suffix kept."""
    stack = properties.get(_STACK) or {}
    if len(name) <= _NAME_LIMIT or "FunctionName" in properties or not stack:
        return name
    suffix = name.rsplit("-", 1)[-1]
    room = _NAME_LIMIT - len(suffix) - 2
    logical = stack["aws:cloudformation:logical-id"][: room // 2]
    return f"{stack['aws:cloudformation:stack-name'][: room - len(logical)].rstrip('-')}-{logical}-{suffix}"


def _create_function(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    name = _generated(name, properties)
    code = _inline(properties.get("Code") or {}, properties.get("Runtime"))
    request = _parameters(client, "CreateFunction", {**properties, "Code": code})
    tags = {**request.get("Tags", {}), **properties.get(_STACK, {})}
    with service_tags():  # CloudFormation's stack tags, "aws:..." as only AWS's services may name them
        created = client.create_function(**{**request, "FunctionName": name, **({"Tags": tags} if tags else {})})
    snap_start = created.get("SnapStart") or {"ApplyOn": "None", "OptimizationStatus": "Off"}
    attributes = {"Arn": created["FunctionArn"],
                  **{attribute: snap_start.get(attribute.split(".")[1]) for attribute in _SNAP_START}}
    deployed = Deployed(client, name, attributes, lambda client: client.delete_function(FunctionName=name), properties)
    return _completed(deployed, lambda: _settle(client, name, properties))


def _settle(client: Any, name: str, properties: dict[str, Any], previous: Optional[dict[str, Any]] = None) -> None:
    """What a function's template sets by calls of their own: reserved concurrency, recursion and runtime
    management; what an update takes out of the template goes back to Lambda's default."""
    previous = previous or {}
    if "ReservedConcurrentExecutions" in properties:
        client.put_function_concurrency(FunctionName=name,
                                        ReservedConcurrentExecutions=int(properties["ReservedConcurrentExecutions"]))
    elif "ReservedConcurrentExecutions" in previous:
        client.delete_function_concurrency(FunctionName=name)
    operations = client.meta.service_model.operation_names  # older botocore lacks the newer settings
    if ("RecursiveLoop" in properties or "RecursiveLoop" in previous) and "PutFunctionRecursionConfig" in operations:
        client.put_function_recursion_config(FunctionName=name, RecursiveLoop=properties.get("RecursiveLoop", "Terminate"))
    if "RuntimeManagementConfig" in properties or "RuntimeManagementConfig" in previous:
        config = properties.get("RuntimeManagementConfig") or {"UpdateRuntimeOn": "Auto"}
        client.put_runtime_management_config(
            **_parameters(client, "PutRuntimeManagementConfig", {**config, "FunctionName": name}))


def _replaces_function(client: Any, original: Deployed, properties: dict[str, Any]) -> bool:
    """Whether the update replaces the function: a new name the template gives, or a new PackageType or
    TenancyConfig (the schema's create-only properties). A generated name stays (moto draws a new one for each
    update, which is not what CloudFormation does); a name the template keeps cannot be had by two functions at
    once."""
    renamed = (properties.get("FunctionName") or original.physical_resource_id) != original.physical_resource_id
    if all(properties.get(key, default) == original.properties.get(key, default)
           for key, default in _CREATE_ONLY.items()):
        return renamed
    if not renamed and properties.get("FunctionName"):
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "ValidationError", "Message": (
            "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
            f"Rename {original.physical_resource_id} and update the stack again.")}}, "UpdateStack")
    return True


def _reconfigure_function(client: Any, original: Deployed, properties: dict[str, Any]) -> None:
    name, previous = original.physical_resource_id, original.properties
    settings = _parameters(client, "UpdateFunctionConfiguration", properties)
    for key in _parameters(client, "UpdateFunctionConfiguration", previous):
        if key not in settings and key in _DEFAULTS:
            settings[key] = _DEFAULTS[key]  # taken out of the template: back to Lambda's default
    client.update_function_configuration(**{**settings, "FunctionName": name})
    # Its code signing config is updated in place, as the schema's createOnlyProperties leave it out; none any
    # more before the code goes, a new one once it is there.
    signing = properties.get("CodeSigningConfigArn")
    if previous.get("CodeSigningConfigArn") and not signing:
        client.delete_function_code_signing_config(FunctionName=name)
    # The code, and the architectures it is built for, go through UpdateFunctionCode: only when they changed.
    if _differ("Code", "Architectures")(client, original, properties):
        code = {**_inline(properties.get("Code") or {}, properties.get("Runtime")),
                "Architectures": properties.get("Architectures") or ["x86_64"]}
        client.update_function_code(**{**_parameters(client, "UpdateFunctionCode", code), "FunctionName": name})
    if signing and signing != previous.get("CodeSigningConfigArn"):
        client.put_function_code_signing_config(FunctionName=name, CodeSigningConfigArn=signing)
    _retag(client, original.attributes["Arn"], previous, properties)
    _settle(client, name, properties, previous)


# -- the others ---------------------------------------------------------------------------


def _create_mapping(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    request = _parameters(client, "CreateEventSourceMapping", properties)
    if "Tags" in client.meta.service_model.operation_model("CreateEventSourceMapping").input_shape.members:
        # CloudFormation's own tags, as on a function (recorded: LocalStack's event_source_mapping
        # test_cfn_resource.snapshot.json, test_adding_tags); older botocore has no mapping tags.
        tags = {**request.get("Tags", {}), **properties.get(_STACK, {})}
        request.update({"Tags": tags} if tags else {})
    with service_tags():
        created = client.create_event_source_mapping(**request)
    identifier = created["UUID"]
    attributes = {"Id": identifier, "EventSourceMappingArn": created.get("EventSourceMappingArn")}
    return Deployed(client, identifier, attributes,
                    lambda client: client.delete_event_source_mapping(UUID=identifier), properties)


def _moved(client: Any, original: Deployed, properties: dict[str, Any]) -> bool:
    """Whether what UpdateEventSourceMapping cannot change (its source, where it starts) changed."""
    updatable = client.meta.service_model.operation_model("UpdateEventSourceMapping").input_shape.members
    previous = original.properties
    fixed = {key for key in set(properties) | set(previous) if key != "Tags" and _RENAMED.get(key, key) not in updatable}
    return _groups(properties) != _groups(previous) or any(properties.get(key) != previous.get(key) for key in fixed)


def _groups(properties: dict[str, Any]) -> list[Any]:
    """The Kafka consumer groups a mapping's properties name."""
    return [(properties.get(key) or {}).get("ConsumerGroupId") for key in _KAFKA_CONFIGS]


def _reconfigure_mapping(client: Any, original: Deployed, properties: dict[str, Any]) -> None:
    settings = _parameters(client, "UpdateEventSourceMapping", properties)
    for key in _KAFKA_CONFIGS:
        rest = {name: value for name, value in (settings.pop(key, None) or {}).items() if name != "ConsumerGroupId"}
        settings.update({key: rest} if rest else {})
    for key in _MAPPING_RESETS:
        if key in original.properties and key not in properties:
            settings[key] = {}  # taken out of the template: none any more, as CloudFormation sends it
    client.update_event_source_mapping(**{**settings, "UUID": original.physical_resource_id})
    if original.attributes["EventSourceMappingArn"]:
        _retag(client, original.attributes["EventSourceMappingArn"], original.properties, properties)


def _create_version(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    published = client.publish_version(**_parameters(client, "PublishVersion", properties))
    function, version = published["FunctionName"], published["Version"]
    deployed = Deployed(client, published["FunctionArn"], {"Version": version, "FunctionArn": published["FunctionArn"]},
                        lambda client: client.delete_function(FunctionName=function, Qualifier=version), properties)
    return _completed(deployed, lambda: _provision(client, function, version, properties))


def _republishes(client: Any, original: Deployed, properties: dict[str, Any]) -> bool:
    """Whether a version's update publishes another: any change but to its ProvisionedConcurrencyConfig, which the
    schema's createOnlyProperties (FunctionName alone) leave to be updated in place."""
    previous = original.properties
    return any(properties.get(key) != previous.get(key) for key in set(properties) | set(previous)
               if key != "ProvisionedConcurrencyConfig")


def _reprovision(client: Any, original: Deployed, properties: dict[str, Any]) -> None:
    function, version = original.physical_resource_id.rsplit(":", 1)
    _provision(client, function, version, properties, original.properties)


def _create_layer_version(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    request = _parameters(client, "PublishLayerVersion", properties)
    request.setdefault("LayerName", name)
    published = client.publish_layer_version(**request)
    layer, version = published["LayerArn"], published["Version"]
    return Deployed(client, published["LayerVersionArn"], {"LayerVersionArn": published["LayerVersionArn"]},
                    lambda client: client.delete_layer_version(LayerName=layer, VersionNumber=version), properties)


def _create_permission(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    statement = _statement_id(name)
    request = _parameters(client, "AddPermission", properties)
    client.add_permission(**{**request, "StatementId": statement})
    function = request["FunctionName"]
    return Deployed(client, statement, {"Id": statement},
                    lambda client: client.remove_permission(FunctionName=function, StatementId=statement), properties)


# -- installed on moto's classes ------------------------------------------------------------


def _creating(original: Callable[..., Any], create: Create) -> Callable[..., Any]:
    def create_from_cloudformation_json(cls: type, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str, **kwargs: Any) -> Any:
        if _active.serving() is None:
            return original(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        properties = {**(cloudformation_json.get("Properties") or {}), _STACK: _stack_tags(kwargs)}
        return create(_client(region_name), resource_name, properties)

    return create_from_cloudformation_json


def _updating(original: Callable[..., Any], update: Update) -> Callable[..., Any]:
    def update_from_cloudformation_json(cls: type, original_resource: Any, new_resource_name: str,
                                        cloudformation_json: dict[str, Any], account_id: str,
                                        region_name: str) -> Any:
        if isinstance(original_resource, Deployed):
            if not original_resource.current():
                return original_resource  # it went with the mock that made it: nothing to change
            properties = {**(cloudformation_json.get("Properties") or {}),
                          _STACK: original_resource.properties.get(_STACK, {})}
            return update(_client(region_name), original_resource, new_resource_name, properties)
        if getattr(original, "__isabstractmethod__", False):
            return original_resource  # moto cannot update it; it keeps what it has (moto alone would drop it)
        return original(original_resource, new_resource_name, cloudformation_json, account_id, region_name)

    return update_from_cloudformation_json


_CREATES: dict[str, Create] = {
    "LambdaFunction": _create_function,
    "EventSourceMapping": _create_mapping,
    "LambdaVersion": _create_version,
    "LayerVersion": _create_layer_version,
    "Permission": _create_permission,
}
_UPDATES: dict[str, Update] = {
    # A replacement takes the name the template gives, else the one moto generates for the update.
    "LambdaFunction": _in_place(lambda client, name, properties: _create_function(
        client, properties.get("FunctionName") or name, properties), _replaces_function, _reconfigure_function),
    "EventSourceMapping": _in_place(_create_mapping, _moved, _reconfigure_mapping),
    "LambdaVersion": _in_place(_create_version, _republishes, _reprovision),
    "LayerVersion": _replacing(_create_layer_version),
    "Permission": _replacing(_create_permission),
}


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
    models.LambdaFunction.has_cfn_attr = classmethod(_attributes(models.LambdaFunction.has_cfn_attr))


def _attributes(original: Callable[[str], bool]) -> Callable[..., bool]:
    """A function's GetAtt attributes: moto's (Arn) and, while a mock is active, SnapStartResponse's."""

    def has_cfn_attr(cls: type, attribute: str) -> bool:
        return original(attribute) or (attribute in _SNAP_START and _active.serving() is not None)

    return has_cfn_attr
