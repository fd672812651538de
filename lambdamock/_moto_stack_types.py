"""The Lambda resource types moto's CloudFormation lacks (aliases, function URLs, async invoke settings, code signing
configs, layer version permissions), made in lambdamock.

While a mock is active, moto's CloudFormation finds these types here and deploys them through
Lambda's API, as CloudFormation does in AWS; otherwise moto does what it does with any type it
does not know (it leaves the resource out, with a warning).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from lambdamock import _active
from lambdamock import _moto_stacks as stacks
from lambdamock._moto_stacks import Deployed


def _qualified(properties: dict[str, Any]) -> dict[str, Any]:
    """FunctionName and Qualifier from a template that names the function by a qualified ARN."""
    name = str(properties.get("FunctionName") or properties.get("TargetFunctionArn") or "")
    parts = name.split(":")
    if len(parts) == 8 and "Qualifier" not in properties:  # arn:aws:lambda:region:account:function:name:qualifier
        return {**properties, "FunctionName": ":".join(parts[:7]), "Qualifier": parts[7]}
    return properties


# -- AWS::Lambda::Alias -------------------------------------------------------------------


def _create_alias(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    created = client.create_alias(**stacks._parameters(client, "CreateAlias", properties))
    function, alias = properties["FunctionName"], properties["Name"]
    deployed = Deployed(client, created["AliasArn"], {"AliasArn": created["AliasArn"]},
                        lambda client: client.delete_alias(FunctionName=function, Name=alias), properties)
    return stacks._completed(deployed, lambda: stacks._provision(client, function, alias, properties))


def _reconfigure_alias(client: Any, original: Deployed, properties: dict[str, Any]) -> None:
    # A removed weighting or description goes back to none, as CloudFormation resets it.
    settings = {"Description": "", "RoutingConfig": {"AdditionalVersionWeights": {}},
                **stacks._parameters(client, "UpdateAlias", properties)}
    client.update_alias(**settings)
    stacks._provision(client, properties["FunctionName"], properties["Name"], properties, original.properties)


# -- AWS::Lambda::Url and AWS::Lambda::EventInvokeConfig -----------------------------------


def _create_url(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    request = stacks._parameters(client, "CreateFunctionUrlConfig", _qualified(properties))
    created = client.create_function_url_config(**request)
    target = {key: request[key] for key in ("FunctionName", "Qualifier") if key in request}
    return Deployed(client, created["FunctionArn"], {"FunctionArn": created["FunctionArn"],
                                                    "FunctionUrl": created["FunctionUrl"]},
                    lambda client: client.delete_function_url_config(**target), properties)


def _reconfigure_url(client: Any, original: Deployed, properties: dict[str, Any]) -> None:
    request = stacks._parameters(client, "UpdateFunctionUrlConfig", _qualified(properties))
    client.update_function_url_config(**{"Cors": {}, "InvokeMode": "BUFFERED", **request})


def _create_invoke_config(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    request = stacks._parameters(client, "PutFunctionEventInvokeConfig", properties)
    client.put_function_event_invoke_config(**request)
    target = {key: request[key] for key in ("FunctionName", "Qualifier") if key in request}
    identifier = f"{request['FunctionName']}:{request.get('Qualifier', '$LATEST')}"
    return Deployed(client, identifier, {},
                    lambda client: client.delete_function_event_invoke_config(**target), properties)


def _reconfigure_invoke_config(client: Any, original: Deployed, properties: dict[str, Any]) -> None:
    client.put_function_event_invoke_config(**stacks._parameters(client, "PutFunctionEventInvokeConfig", properties))


# -- AWS::Lambda::CodeSigningConfig and AWS::Lambda::LayerVersionPermission --------------------


def _create_signing_config(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    created = client.create_code_signing_config(**stacks._parameters(client, "CreateCodeSigningConfig", properties))
    config = created["CodeSigningConfig"]
    arn = config["CodeSigningConfigArn"]
    return Deployed(client, arn, {"CodeSigningConfigArn": arn, "CodeSigningConfigId": config["CodeSigningConfigId"]},
                    lambda client: client.delete_code_signing_config(CodeSigningConfigArn=arn), properties)


def _reconfigure_signing_config(client: Any, original: Deployed, properties: dict[str, Any]) -> None:
    # A removed description or policy goes back to Lambda's default, as CloudFormation resets it.
    arn = original.physical_resource_id
    request = stacks._parameters(client, "UpdateCodeSigningConfig", properties)
    defaults = {"Description": "", "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Warn"}}
    client.update_code_signing_config(**{**defaults, **request, "CodeSigningConfigArn": arn})
    stacks._retag(client, arn, original.properties, properties)


def _create_layer_permission(client: Any, name: str, properties: dict[str, Any]) -> Deployed:
    # Its Ref is the layer version's ARN and the statement ID, arn:aws:lambda:...:layer:my-layer:1#statement
    # (CloudFormation's resource reference).
    layer_version = str(properties.get("LayerVersionArn"))
    layer, _, version = layer_version.rpartition(":")
    number = int(version) if version.isdigit() else 0  # an ARN without a version names none: Lambda says so
    statement = stacks._statement_id(name)
    request = stacks._parameters(client, "AddLayerVersionPermission", properties)
    client.add_layer_version_permission(**{**request, "LayerName": layer, "VersionNumber": number,
                                           "StatementId": statement})
    reference = f"{layer_version}#{statement}"
    return Deployed(client, reference, {"Id": reference}, lambda client: client.remove_layer_version_permission(
        LayerName=layer, VersionNumber=number, StatementId=statement), properties)


# The classes moto's CloudFormation takes for these types while a mock is active, by type.
_MODELS: dict[str, type] = {}


def _register(resource_type: str, create: stacks.Create, attributes: tuple[str, ...],
              replaces: Optional[stacks.Changed] = None, change: Optional[stacks.Change] = None) -> None:
    """Make the class that moto's CloudFormation takes for ``resource_type``: it reads these classmethods of its models.

    An update that changes what ``replaces`` names replaces the resource, and ``change`` makes the others in
    place; without ``change``, every update replaces it.
    """
    update = stacks._replacing(create) if change is None else stacks._in_place(create, replaces or stacks._differ(),
                                                                               change)

    def create_from_cloudformation_json(cls: type, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str, **kwargs: Any) -> Deployed:
        properties = {**(cloudformation_json.get("Properties") or {}), stacks._STACK: stacks._stack_tags(kwargs)}
        return create(stacks._client(region_name), resource_name, properties)

    def update_from_cloudformation_json(cls: type, original_resource: Deployed, new_resource_name: str,
                                        cloudformation_json: dict[str, Any], account_id: str,
                                        region_name: str) -> Deployed:
        if not original_resource.current():
            return original_resource  # it went with the mock that made it: nothing to change
        properties = {**(cloudformation_json.get("Properties") or {}),
                      stacks._STACK: original_resource.properties.get(stacks._STACK, {})}
        return update(stacks._client(region_name), original_resource, new_resource_name, properties)

    def has_cfn_attr(cls: type, attribute: str) -> bool:
        return attribute in attributes

    _MODELS[resource_type] = type(resource_type.replace(":", ""), (), {
        "cloudformation_type": staticmethod(lambda: resource_type),
        "create_from_cloudformation_json": classmethod(create_from_cloudformation_json),
        "update_from_cloudformation_json": classmethod(update_from_cloudformation_json),
        "has_cfn_attr": classmethod(has_cfn_attr),
    })


# What a resource belongs to (its function, alias or version) cannot change in place; a code signing config
# changes in place whatever changed, and any change to a layer version permission replaces it.
_register("AWS::Lambda::Alias", _create_alias, ("AliasArn",), stacks._differ("FunctionName", "Name"),
          _reconfigure_alias)
_register("AWS::Lambda::Url", _create_url, ("FunctionArn", "FunctionUrl"),
          stacks._differ("TargetFunctionArn", "Qualifier"), _reconfigure_url)
_register("AWS::Lambda::EventInvokeConfig", _create_invoke_config, (), stacks._differ("FunctionName", "Qualifier"),
          _reconfigure_invoke_config)
_register("AWS::Lambda::CodeSigningConfig", _create_signing_config, ("CodeSigningConfigArn", "CodeSigningConfigId"),
          change=_reconfigure_signing_config)
_register("AWS::Lambda::LayerVersionPermission", _create_layer_permission, ("Id",))


def resource_class_from_type(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
    """moto.cloudformation.parsing.resource_class_from_type(resource_type): these types, while a mock is active."""
    resource_type = args[0] if args else kwargs.get("resource_type")
    if _active.serving() is not None:
        if resource_type in _MODELS:
            return _MODELS[resource_type]
        if str(resource_type).startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
            from lambdamock import _moto_custom

            return _moto_custom.model()
    return wrapped(*args, **kwargs)
