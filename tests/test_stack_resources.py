"""Stacks' other Lambda resources, lambdamock's: mappings, versions, layers, permissions, aliases, URLs, settings.

Behaviour as CloudFormation's resource reference documents it: an EventSourceMapping's Ref is its UUID, a
Version's its ARN, a LayerVersion's its ARN; a stack's deletion (or a resource's removal from it) deletes what it
made.
"""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from lambdamock import package
from tests.helpers import MODEL, modeled, wait_until
from tests.helpers import ROLE as ROLE_ARN  # made in moto's IAM by moto_aws()
from tests.stack_helpers import REGION, function, outputs, template

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.stack_helpers import clients as clients

pytest.importorskip("moto.cloudformation")


def two_versions(lam: Any, name: str) -> None:
    """A function made outside the stack, with versions 1 and 2."""
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE_ARN, Handler="app.handler",
                        Code={"ZipFile": package({"app.py": "def handler(event, context):\n    return 1\n"})},
                        Publish=True)
    lam.update_function_configuration(FunctionName=name, Description="second")
    lam.publish_version(FunctionName=name)


def test_a_stacks_mapping_delivers_and_goes_with_the_stack(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, mock = clients
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def mapping(batch: int, enabled: bool, **settings: Any) -> dict[str, Any]:
        return {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": {"Ref": "Fn"}, "EventSourceArn": queue_arn, "BatchSize": batch, "Enabled": enabled,
            **settings}}

    cf.create_stack(StackName="app", TemplateBody=template(
        {"Fn": function(FunctionName="worker"), "Jobs": mapping(1, True, ScalingConfig={"MaximumConcurrency": 5},
                                                                 FilterCriteria={"Filters": [{"Pattern": '{"body": ["hello"]}'}]})},
        {"Id": {"Ref": "Jobs"}}))
    identifier = outputs(cf, "app")["Id"]
    assert lam.get_event_source_mapping(UUID=identifier)["EventSourceArn"] == queue_arn
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    wait_until(lambda: len(mock.invocations) == 1)
    assert mock.invocations[0].result["event"]["Records"][0]["body"] == "hello"

    cf.update_stack(StackName="app", TemplateBody=template(
        {"Fn": function(FunctionName="worker"), "Jobs": mapping(5, False, Tags=[{"Key": "team", "Value": "jobs"}])},
        {"Id": {"Ref": "Jobs"}}))
    assert outputs(cf, "app")["Id"] == identifier  # updated in place, new tags too (docs/moto.md)
    updated = lam.get_event_source_mapping(UUID=identifier)
    assert (updated["BatchSize"], updated["State"]) == (5, "Disabled")
    # Taken out of the template, a filter and a scaling limit go (CloudFormation sends them empty).
    assert "FilterCriteria" not in updated and "ScalingConfig" not in updated
    if "EventSourceMappingArn" in updated:  # where botocore's model gives mappings ARNs (so tags)
        assert lam.list_tags(Resource=updated["EventSourceMappingArn"])["Tags"]["team"] == "jobs"
    cf.delete_stack(StackName="app")
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []
    assert lam.list_functions()["Functions"] == []


@modeled("CreateEventSourceMapping", "Tags")
def test_a_stacks_mapping_carries_cloudformations_tags_beside_its_own(clients: tuple[Any, Any, Any]) -> None:
    # Recorded on AWS: LocalStack's lambda_/event_source_mapping/test_cfn_resource.snapshot.json, test_adding_tags
    # (validated 2025-11-25): a stack's mapping has the template's tags and CloudFormation's three.
    cf, lam, _ = clients
    boto3.client("sqs", region_name=REGION).create_queue(QueueName="jobs")
    cf.create_stack(StackName="app", TemplateBody=template({
        "Fn": function(FunctionName="worker"),
        "EventSourceMapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": {"Ref": "Fn"}, "EventSourceArn": f"arn:aws:sqs:{REGION}:123456789012:jobs",
            "Tags": [{"Key": "my", "Value": "tag"}]}}}, {"Id": {"Ref": "EventSourceMapping"}}))
    arn = lam.get_event_source_mapping(UUID=outputs(cf, "app")["Id"])["EventSourceMappingArn"]
    stack_id = cf.describe_stacks(StackName="app")["Stacks"][0]["StackId"]
    assert lam.list_tags(Resource=arn)["Tags"] == {
        "aws:cloudformation:logical-id": "EventSourceMapping", "aws:cloudformation:stack-id": stack_id,
        "aws:cloudformation:stack-name": "app", "my": "tag"}


def test_a_stacks_kafka_mapping_keeps_its_consumer_group_and_is_replaced_for_a_new_one(
        clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    cluster = f"arn:aws:kafka:{REGION}:123456789012:cluster/orders/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2"

    def stack(batch: int, group: str, topic: str = "orders") -> str:
        return template({"Fn": function(FunctionName="worker"), "Orders": {
            "Type": "AWS::Lambda::EventSourceMapping", "Properties": {
                "FunctionName": {"Ref": "Fn"}, "EventSourceArn": cluster, "Topics": [topic], "BatchSize": batch,
                "StartingPosition": "LATEST", "AmazonManagedKafkaEventSourceConfig": {"ConsumerGroupId": group}}}},
            {"Id": {"Ref": "Orders"}})

    cf.create_stack(StackName="app", TemplateBody=stack(10, "billing"))
    identifier = outputs(cf, "app")["Id"]
    # UpdateEventSourceMapping refuses a consumer group, even unchanged: a new batch size is an update in place.
    cf.update_stack(StackName="app", TemplateBody=stack(20, "billing"))
    assert outputs(cf, "app")["Id"] == identifier
    assert lam.get_event_source_mapping(UUID=identifier)["BatchSize"] == 20
    # A new group is a new mapping, made before the old one goes: one function reads one topic once, so the same
    # topic fails the update (as on AWS, aws/aws-sam-cli#2308), and another topic replaces the mapping.
    with pytest.raises(ClientError, match="already exists"):
        cf.update_stack(StackName="app", TemplateBody=stack(20, "shipping"))
    assert lam.get_event_source_mapping(UUID=identifier)["AmazonManagedKafkaEventSourceConfig"] == {
        "ConsumerGroupId": "billing"}
    cf.update_stack(StackName="app", TemplateBody=stack(20, "shipping", "refunds"))
    [replaced] = lam.list_event_source_mappings()["EventSourceMappings"]
    assert (replaced["UUID"], replaced["AmazonManagedKafkaEventSourceConfig"]) == (
        outputs(cf, "app")["Id"], {"ConsumerGroupId": "shipping"})
    assert replaced["UUID"] != identifier


@pytest.mark.skipif("SchemaRegistryConfig" not in MODEL.shape_for("SelfManagedKafkaEventSourceConfig").members,
                    reason="this botocore's model has no Kafka schema registry")
def test_a_stacks_self_managed_kafka_mapping_names_its_servers_as_cloudformation_does(
        clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    registry = {"SchemaRegistryURI": "https://registry.example.com", "EventRecordFormat": "JSON",
                "SchemaValidationConfigs": [{"Attribute": "VALUE"}]}

    def stack(**config: Any) -> str:
        # AWS::Lambda::EventSourceMapping's SelfManagedEventSource: Endpoints.KafkaBootstrapServers (its schema).
        return template({"Fn": function(FunctionName="worker"), "Orders": {
            "Type": "AWS::Lambda::EventSourceMapping", "Properties": {
                "FunctionName": {"Ref": "Fn"}, "Topics": ["orders"],
                "SelfManagedEventSource": {"Endpoints": {"KafkaBootstrapServers": ["b-1.example.com:9092"]}},
                "SourceAccessConfigurations": [{"Type": "VPC_SUBNET", "URI": "subnet:subnet-0123456789abcdef0"}],
                "SelfManagedKafkaEventSourceConfig": {"ConsumerGroupId": "billing", **config}}}},
            {"Id": {"Ref": "Orders"}})

    cf.create_stack(StackName="app", TemplateBody=stack())
    identifier = outputs(cf, "app")["Id"]
    assert lam.get_event_source_mapping(UUID=identifier)["SelfManagedEventSource"] == {
        "Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["b-1.example.com:9092"]}}
    cf.update_stack(StackName="app", TemplateBody=stack(SchemaRegistryConfig=registry))  # in place
    assert outputs(cf, "app")["Id"] == identifier
    assert lam.get_event_source_mapping(UUID=identifier)["SelfManagedKafkaEventSourceConfig"] == {
        "ConsumerGroupId": "billing", "SchemaRegistryConfig": registry}


LONG_ID = "AllowInvokeFromTheEventBusOfTheOrdersStack" + "0123456789ABCDEF" * 5


def test_versions_layers_and_permissions_of_a_stack(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="layers")
    s3.put_object(Bucket="layers", Key="shared.zip", Body=package({"python/shared.py": "WORD = 'layered'\n"}))
    layered = "import shared\ndef handler(event, context):\n    return shared.WORD\n"
    cf.create_stack(StackName="app", TemplateBody=template({
        "Shared": {"Type": "AWS::Lambda::LayerVersion", "Properties": {
            "LayerName": "shared", "Content": {"S3Bucket": "layers", "S3Key": "shared.zip"},
            "CompatibleRuntimes": ["python3.12"]}},
        "Fn": function(FunctionName="web", Layers=[{"Ref": "Shared"}], Code={"ZipFile": layered}),
        "V1": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        "Allow": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}, "Action": "lambda:InvokeFunction",
            "Principal": "sns.amazonaws.com", "SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"}},
        LONG_ID: {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Ref": "Fn"}, "Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com"}},
    }, {"Layer": {"Ref": "Shared"}, "Version": {"Ref": "V1"}, "Long": {"Ref": LONG_ID}}))
    found = outputs(cf, "app")
    assert found["Layer"] == "arn:aws:lambda:us-east-1:123456789012:layer:shared:1"
    assert found["Version"] == "arn:aws:lambda:us-east-1:123456789012:function:web:1"
    assert json.loads(lam.invoke(FunctionName="web", Qualifier="1")["Payload"].read()) == "layered"
    statement, long = sorted(json.loads(lam.get_policy(FunctionName="web")["Policy"])["Statement"],
                             key=lambda found: len(found["Sid"]))
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    # A CDK-style logical id is cut so that the Sid fits AddPermission's 100 characters.
    assert len(long["Sid"]) == 100 and long["Sid"].startswith(f"app-{LONG_ID}"[:80])
    # A permission's Ref (its physical id) is its Sid, cut too (recorded: LocalStack's AWS-validated
    # cloudformation/resources/test_lambda.snapshot.json, test_cfn_lambda_permissions: PhysicalResourceId "<sid:2>").
    assert found["Long"] == long["Sid"]
    # The Sid CloudFormation gives it: the stack's name, the logical id and a random suffix (recorded: LocalStack's
    # AWS-validated test_change_set_fn_transform.snapshot.json, test_serverless_fn_transform, the permission's
    # physical id "<stack-name>-HelloWorldFunctionApiEventPermissionProd-xfMFMMYChbqn").
    assert re.fullmatch(r"app-Allow-[A-Za-z0-9]+", statement["Sid"])
    cf.delete_stack(StackName="app")
    assert lam.list_functions()["Functions"] == []
    assert lam.list_layer_versions(LayerName="shared")["LayerVersions"] == []


def test_a_permission_whose_principal_changed_grants_the_new_principal(clients: tuple[Any, Any, Any]) -> None:
    # Recorded on AWS: LocalStack's cloudformation/resources/test_lambda.py, test_update_lambda_permissions
    # (validated): an update that changes a permission's Principal leaves the function's policy granting the new
    # one (every property of AWS::Lambda::Permission is create-only: the permission is replaced).
    cf, lam, _ = clients

    def stack(principal: str) -> str:
        return template({"Fn": function(FunctionName="web"), "Allow": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}, "Action": "lambda:InvokeFunction", "Principal": principal}}})

    cf.create_stack(StackName="app", TemplateBody=stack("*"))
    cf.update_stack(StackName="app", TemplateBody=stack("123456789012"))
    [statement] = json.loads(lam.get_policy(FunctionName="web")["Policy"])["Statement"]
    assert "123456789012" in json.dumps(statement["Principal"])


def test_aliases_urls_and_async_settings_of_a_stack(clients: tuple[Any, Any, Any]) -> None:
    # Types moto's CloudFormation does not know, deployed while lambdamock is active.
    cf, lam, _ = clients
    two_versions(lam, "web")

    def stack(description: str, weights: list[dict[str, Any]], retries: int) -> str:
        return template({
            "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
                "FunctionName": "web", "FunctionVersion": "1", "Name": "live", "Description": description,
                "RoutingConfig": {"AdditionalVersionWeights": weights}}},
            "Web": {"Type": "AWS::Lambda::Url", "Properties": {"TargetFunctionArn": {"Ref": "Live"}, "AuthType": "NONE"}},
            "Async": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
                "FunctionName": "web", "Qualifier": "$LATEST", "MaximumRetryAttempts": retries}},
        }, {"Alias": {"Ref": "Live"}, "Url": {"Fn::GetAtt": ["Web", "FunctionUrl"]}})

    cf.create_stack(StackName="app", TemplateBody=stack("blue", [{"FunctionVersion": "2", "FunctionWeight": 0.25}], 0))
    found = outputs(cf, "app")
    assert found["Alias"] == "arn:aws:lambda:us-east-1:123456789012:function:web:live"
    alias = lam.get_alias(FunctionName="web", Name="live")
    assert (alias["FunctionVersion"], alias["Description"]) == ("1", "blue")
    assert alias["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.25}}
    url = lam.get_function_url_config(FunctionName="web", Qualifier="live")
    assert url["FunctionUrl"] == found["Url"] and url["AuthType"] == "NONE"
    assert lam.get_function_event_invoke_config(FunctionName="web")["MaximumRetryAttempts"] == 0

    cf.update_stack(StackName="app", TemplateBody=stack("", [], 1))
    alias = lam.get_alias(FunctionName="web", Name="live")
    assert alias["Description"] == "" and not alias.get("RoutingConfig", {}).get("AdditionalVersionWeights")
    assert lam.get_function_event_invoke_config(FunctionName="web")["MaximumRetryAttempts"] == 1
    cf.delete_stack(StackName="app")
    assert lam.list_aliases(FunctionName="web")["Aliases"] == []
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function_event_invoke_config(FunctionName="web")


def test_an_alias_url_or_async_setting_moved_to_another_qualifier_is_replaced(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    lam.create_function(FunctionName="web", Runtime="python3.12", Role=ROLE_ARN, Handler="app.handler",
                        Code={"ZipFile": package({"app.py": "def handler(event, context):\n    return 1\n"})},
                        Publish=True)

    def stack(alias: str) -> str:
        return template({
            "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
                "FunctionName": "web", "FunctionVersion": "1", "Name": alias}},
            # moto's CloudFormation updates only resources whose own text changed: a Ref to the alias would not do.
            "Web": {"Type": "AWS::Lambda::Url", "Properties": {
                "TargetFunctionArn": "web", "Qualifier": alias, "AuthType": "NONE"}},
            "Async": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
                "FunctionName": "web", "Qualifier": alias, "MaximumRetryAttempts": 1}},
        }, {"Alias": {"Ref": "Live"}})

    cf.create_stack(StackName="app", TemplateBody=stack("blue"))
    cf.update_stack(StackName="app", TemplateBody=stack("green"))
    assert outputs(cf, "app")["Alias"].endswith(":function:web:green")
    assert [alias["Name"] for alias in lam.list_aliases(FunctionName="web")["Aliases"]] == ["green"]
    assert [url["FunctionArn"] for url in lam.list_function_url_configs(FunctionName="web")["FunctionUrlConfigs"]] \
        == [outputs(cf, "app")["Alias"]]
    configs = lam.list_function_event_invoke_configs(FunctionName="web")["FunctionEventInvokeConfigs"]
    assert [config["FunctionArn"] for config in configs] == [outputs(cf, "app")["Alias"]]


def test_template_values_take_the_types_the_api_wants(clients: tuple[Any, Any, Any]) -> None:
    # CloudFormation converts a template's scalars to the property's type: a number or a boolean where a
    # string goes (an environment variable, a tag), a string where a number goes (a timeout, a weight).
    cf, lam, _ = clients
    two_versions(lam, "api")
    cf.create_stack(StackName="app", TemplateBody=template({
        "Fn": function(FunctionName="web", Timeout="9", Environment={"Variables": {"PORT": 8080, "DEBUG": True}},
                       Tags=[{"Key": "tier", "Value": 1}]),
        "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
            "FunctionName": "api", "Name": "live", "FunctionVersion": "1",
            "RoutingConfig": {"AdditionalVersionWeights": [{"FunctionVersion": "2", "FunctionWeight": "0.25"}]}}},
        # a boolean given as a string, as a String parameter's value comes: "false" is false
        "Url": {"Type": "AWS::Lambda::Url", "Properties": {
            "TargetFunctionArn": "api", "AuthType": "NONE", "Cors": {"AllowCredentials": "false"}}},
    }))
    assert lam.get_function_url_config(FunctionName="api")["Cors"]["AllowCredentials"] is False
    configuration = lam.get_function(FunctionName="web")
    assert configuration["Configuration"]["Environment"]["Variables"] == {"PORT": "8080", "DEBUG": "true"}
    assert configuration["Configuration"]["Timeout"] == 9 and configuration["Tags"]["tier"] == "1"
    assert lam.get_alias(FunctionName="api", Name="live")["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.25}}


def test_provisioned_concurrency_recursion_and_runtime_settings_of_a_stack(clients: tuple[Any, Any, Any]) -> None:
    # Each is a call of its own after the resource is made; a stack waits for provisioned concurrency to be
    # READY (recorded on AWS: LocalStack's test_lambda.snapshot.json, test_lambda_version_provisioned_concurrency).
    cf, lam, _ = clients
    recursion = "PutFunctionRecursionConfig" in lam.meta.service_model.operation_names

    def stack(**settings: Any) -> str:
        return template({
            "Fn": function(FunctionName="web", **settings),
            "V": {"Type": "AWS::Lambda::Version", "Properties": {
                "FunctionName": {"Ref": "Fn"}, "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 1}}},
        }, {"Version": {"Fn::GetAtt": ["V", "Version"]}})

    cf.create_stack(StackName="app", TemplateBody=stack(
        RuntimeManagementConfig={"UpdateRuntimeOn": "FunctionUpdate"}, **({"RecursiveLoop": "Allow"} if recursion else {})))
    provisioned = lam.get_provisioned_concurrency_config(FunctionName="web", Qualifier=outputs(cf, "app")["Version"])
    assert (provisioned["Status"], provisioned["AllocatedProvisionedConcurrentExecutions"]) == ("READY", 1)
    assert lam.get_runtime_management_config(FunctionName="web")["UpdateRuntimeOn"] == "FunctionUpdate"
    if recursion:
        assert lam.get_function_recursion_config(FunctionName="web")["RecursiveLoop"] == "Allow"
    cf.update_stack(StackName="app", TemplateBody=stack(Description="taken out"))
    assert lam.get_runtime_management_config(FunctionName="web")["UpdateRuntimeOn"] == "Auto"
    if recursion:
        assert lam.get_function_recursion_config(FunctionName="web")["RecursiveLoop"] == "Terminate"


def test_a_versions_provisioned_concurrency_is_updated_in_place_and_goes_when_taken_out(
        clients: tuple[Any, Any, Any]) -> None:
    # AWS::Lambda::Version's only createOnlyProperty is FunctionName (its resource schema, as LocalStack keeps it:
    # services/lambda_/resource_providers/aws_lambda_version.schema.json): a changed ProvisionedConcurrencyConfig
    # updates the version in place, and one taken out of the template goes.
    cf, lam, _ = clients

    def stack(**version: Any) -> str:
        return template({"Fn": function(FunctionName="web"), "V": {
            "Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}, **version}}},
            {"Version": {"Ref": "V"}})

    cf.create_stack(StackName="app", TemplateBody=stack(
        ProvisionedConcurrencyConfig={"ProvisionedConcurrentExecutions": 1}))
    arn = outputs(cf, "app")["Version"]
    cf.update_stack(StackName="app", TemplateBody=stack(
        ProvisionedConcurrencyConfig={"ProvisionedConcurrentExecutions": 2}))
    assert outputs(cf, "app")["Version"] == arn
    assert lam.get_provisioned_concurrency_config(
        FunctionName="web", Qualifier="1")["RequestedProvisionedConcurrentExecutions"] == 2
    cf.update_stack(StackName="app", TemplateBody=stack())
    assert outputs(cf, "app")["Version"] == arn
    assert lam.list_provisioned_concurrency_configs(FunctionName="web")["ProvisionedConcurrencyConfigs"] == []


def test_an_alias_whose_provisioning_fails_is_not_left_behind(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    lam.create_function(FunctionName="web", Runtime="python3.12", Role=ROLE_ARN, Handler="app.handler",
                        Code={"ZipFile": package({"app.py": "def handler(event, context):\n    return 1\n"})},
                        Publish=True)
    alias = {"Type": "AWS::Lambda::Alias", "Properties": {
        "FunctionName": "web", "FunctionVersion": "1", "Name": "live",
        "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 5000}}}  # more than the account has
    with pytest.raises(ClientError):
        cf.create_stack(StackName="app", TemplateBody=template({"Live": alias}))
    assert lam.list_aliases(FunctionName="web")["Aliases"] == []


def test_a_replaced_version_goes_once_the_update_moved_its_alias(clients: tuple[Any, Any, Any]) -> None:
    # CloudFormation makes the replacement, updates what refers to it, and deletes the old resource last
    # (its cleanup phase); one it cannot delete stays, and the update still succeeds.
    cf, lam, _ = clients

    def stack(note: str, alias_note: str) -> str:
        return template({
            "Fn": function(FunctionName="web", Description=note),
            "V": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}, "Description": note}},
            "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
                "FunctionName": {"Ref": "Fn"}, "Name": "live", "Description": alias_note,
                "FunctionVersion": {"Fn::GetAtt": ["V", "Version"]}}},
        })

    cf.create_stack(StackName="app", TemplateBody=stack("one", "one"))
    cf.update_stack(StackName="app", TemplateBody=stack("two", "two"))
    assert lam.get_alias(FunctionName="web", Name="live")["FunctionVersion"] == "2"
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="web")["Versions"]] == ["$LATEST", "2"]
    # moto updates only resources whose own text changed: an alias left as it was still names version 2,
    # so version 2 cannot go; it stays, and the update succeeds.
    cf.update_stack(StackName="app", TemplateBody=stack("three", "two"))
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="web")["Versions"]] == ["$LATEST", "2", "3"]


def test_url_and_alias_settings_taken_out_of_the_template_go_back_to_lambdas_defaults(
        clients: tuple[Any, Any, Any]) -> None:
    # A URL without InvokeMode or Cors is BUFFERED with no CORS, and an alias without a description or weights has
    # the description "" and no RoutingConfig (recorded: LocalStack's AWS-validated
    # cloudformation/resources/test_lambda.snapshot.json, test_cfn_function_url's url_config and test_lambda_alias's
    # Alias); taken out by an update, they go back to that.
    cf, lam, _ = clients
    two_versions(lam, "web")

    def stack(**settings: Any) -> str:
        return template({
            "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
                "FunctionName": "web", "FunctionVersion": "1", "Name": "live",
                **{key: value for key, value in settings.items() if key in ("Description", "RoutingConfig")}}},
            "Web": {"Type": "AWS::Lambda::Url", "Properties": {
                "TargetFunctionArn": "web", "AuthType": "NONE",
                **{key: value for key, value in settings.items() if key in ("InvokeMode", "Cors")}}},
        })

    cf.create_stack(StackName="app", TemplateBody=stack(
        Description="blue",
        RoutingConfig={"AdditionalVersionWeights": [{"FunctionVersion": "2", "FunctionWeight": 0.5}]},
        InvokeMode="RESPONSE_STREAM", Cors={"AllowOrigins": ["https://example.com"]}))
    url = lam.get_function_url_config(FunctionName="web")
    assert (url["InvokeMode"], url["Cors"]["AllowOrigins"]) == ("RESPONSE_STREAM", ["https://example.com"])
    cf.update_stack(StackName="app", TemplateBody=stack())
    url = lam.get_function_url_config(FunctionName="web")
    assert url["InvokeMode"] == "BUFFERED" and not url.get("Cors", {}).get("AllowOrigins")
    alias = lam.get_alias(FunctionName="web", Name="live")
    assert alias["Description"] == "" and not alias.get("RoutingConfig", {}).get("AdditionalVersionWeights")


def test_an_alias_s_provisioned_concurrency_taken_out_of_the_template_goes(clients: tuple[Any, Any, Any]) -> None:
    # AWS::Lambda::Alias's createOnlyProperties are Name and FunctionName (its resource schema, as LocalStack keeps
    # it: services/lambda_/resource_providers/lambda_alias.schema.json): its ProvisionedConcurrencyConfig is
    # updated in place, and one taken out of the template goes.
    cf, lam, _ = clients
    two_versions(lam, "web")

    def stack(**alias: Any) -> str:
        return template({"Live": {"Type": "AWS::Lambda::Alias", "Properties": {
            "FunctionName": "web", "FunctionVersion": "1", "Name": "live", **alias}}})

    cf.create_stack(StackName="app", TemplateBody=stack(
        ProvisionedConcurrencyConfig={"ProvisionedConcurrentExecutions": 1}))
    assert lam.get_provisioned_concurrency_config(FunctionName="web", Qualifier="live")["Status"] == "READY"
    cf.update_stack(StackName="app", TemplateBody=stack())
    assert lam.list_provisioned_concurrency_configs(FunctionName="web")["ProvisionedConcurrencyConfigs"] == []


def test_async_settings_moved_to_another_version_are_replaced(clients: tuple[Any, Any, Any]) -> None:
    # Qualifier is create-only in AWS::Lambda::EventInvokeConfig (its "Update requires: Replacement"): the old
    # version's settings go, as docs/moto.md says of a resource whose function or qualifier changed.
    cf, lam, _ = clients
    two_versions(lam, "web")

    def stack(version: str) -> str:
        return template({"Async": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
            "FunctionName": "web", "Qualifier": version, "MaximumRetryAttempts": 1}}})

    cf.create_stack(StackName="app", TemplateBody=stack("1"))
    cf.update_stack(StackName="app", TemplateBody=stack("2"))
    configs = lam.list_function_event_invoke_configs(FunctionName="web")["FunctionEventInvokeConfigs"]
    assert [config["FunctionArn"] for config in configs] == ["arn:aws:lambda:us-east-1:123456789012:function:web:2"]


def test_a_version_updated_with_nothing_new_to_publish_stays(clients: tuple[Any, Any, Any]) -> None:
    # PublishVersion publishes nothing when the code and configuration have not changed since the last version, and
    # answers that version (botocore's service model, PublishVersion): the stack's version is the same, and stays.
    cf, lam, _ = clients

    def stack(note: str) -> str:
        return template({
            "Fn": function(FunctionName="web"),
            "V": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}, "Description": note}},
        }, {"Version": {"Ref": "V"}})

    cf.create_stack(StackName="app", TemplateBody=stack("one"))
    cf.update_stack(StackName="app", TemplateBody=stack("two"))
    assert outputs(cf, "app")["Version"].endswith(":function:web:1")
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="web")["Versions"]] == ["$LATEST", "1"]
