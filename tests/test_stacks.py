"""Stacks deployed with moto's CloudFormation: their Lambda functions are lambdamock's, made through Lambda's API.

Behaviour as CloudFormation's resource reference documents it: an AWS::Lambda::Function's Ref is its name and
its GetAtt Arn its ARN; a template's inline ZipFile is written to a file named index, with the cfn-response module
beside Python code; a changed FunctionName replaces the function; a stack's deletion (or a resource's removal from
it) deletes what it made. moto's own CloudFormation tests for Lambda
(tests/test_awslambda/test_awslambda_cloudformation.py) pass with it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from lambdamock import mock_lambda, package
from tests.escapes import Proxy
from tests.helpers import modeled, moto_aws
from tests.stack_helpers import INLINE, REGION, function, outputs, template

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.stack_helpers import clients as clients

pytest.importorskip("moto.cloudformation")


def test_a_stacks_inline_function_is_lambdamocks_and_runs(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    cf.create_stack(StackName="app", TemplateBody=template(
        {"Fn": function(Timeout="7", Environment={"Variables": {"COLOUR": "blue"}},
                        Tags=[{"Key": "team", "Value": "web"}])},
        {"Name": {"Ref": "Fn"}, "Arn": {"Fn::GetAtt": ["Fn", "Arn"]},
         "SnapStart": {"Fn::GetAtt": ["Fn", "SnapStartResponse.OptimizationStatus"]}}))
    found = outputs(cf, "app")
    assert found["SnapStart"] == "Off"  # a documented return value of AWS::Lambda::Function
    configuration = lam.get_function(FunctionName=found["Name"])
    assert configuration["Configuration"]["FunctionArn"] == found["Arn"]
    assert found["Name"].startswith("app-Fn-")  # CloudFormation names it after the stack and the logical id
    assert configuration["Configuration"]["Timeout"] == 7
    # CloudFormation's own tags beside the template's (recorded on AWS: LocalStack's
    # tests/aws/services/cloudformation/resources/test_lambda.snapshot.json, GetFunction's Tags).
    stack_id = cf.describe_stacks(StackName="app")["Stacks"][0]["StackId"]
    assert configuration["Tags"] == {"team": "web", "aws:cloudformation:logical-id": "Fn",
                                     "aws:cloudformation:stack-id": stack_id, "aws:cloudformation:stack-name": "app"}
    answer = json.loads(lam.invoke(FunctionName=found["Arn"], Payload=b'{"n": 1}')["Payload"].read())
    assert answer == {"event": {"n": 1}, "colour": "blue", "module": "SUCCESS"}
    # "Tags with this prefix [aws:] do not count against your tags per resource limit" (configuration-tags): 50
    # of the caller's own fit beside CloudFormation's.
    lam.tag_resource(Resource=found["Arn"], Tags={f"k{n}": "v" for n in range(49)})
    assert len(lam.list_tags(Resource=found["Arn"])["Tags"]) == 53
    resources = cf.describe_stack_resources(StackName="app", LogicalResourceId="Fn")["StackResources"]
    # moto 5.1.0 ignores LogicalResourceId and lists them all.
    [resource] = [resource for resource in resources if resource["LogicalResourceId"] == "Fn"]
    assert resource["PhysicalResourceId"] == found["Name"]


def test_a_stacks_inline_node_js_code_is_written_to_index_js(clients: tuple[Any, Any, Any]) -> None:
    # CloudFormation writes inline Node.js code to index.js: LocalStack's AWS-validated test_event_invoke_config
    # deploys templates/cfn_lambda_event_invoke_config.yml, a nodejs20.x ZipFile with Handler index.handler.
    cf, lam, _ = clients
    source = "exports.handler = async (event) => event;\n"
    cf.create_stack(StackName="app", TemplateBody=template({"Fn": function(
        FunctionName="node", Runtime="nodejs20.x", Code={"ZipFile": source})}))
    digest = base64.b64encode(hashlib.sha256(package({"index.js": source})).digest()).decode()
    assert lam.get_function(FunctionName="node")["Configuration"]["CodeSha256"] == digest


def test_updating_the_stack_updates_the_function_and_deleting_it_deletes_it(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    cf.create_stack(StackName="app", TemplateBody=template({"Fn": function()}, {"Arn": {"Fn::GetAtt": ["Fn", "Arn"]}}))
    arn = outputs(cf, "app")["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def main(event, context):\n    return 'from s3'\n")
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="v2.zip", Body=code.getvalue())
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(
        Handler="app.main", MemorySize=256, Code={"S3Bucket": "code", "S3Key": "v2.zip"},
        Tags=[{"Key": "stage", "Value": "prod"}], ReservedConcurrentExecutions=3)},
        {"Arn": {"Fn::GetAtt": ["Fn", "Arn"]}}))
    assert outputs(cf, "app")["Arn"] == arn  # updated in place: a generated name stays
    configuration = lam.get_function_configuration(FunctionName=arn)
    assert (configuration["Handler"], configuration["MemorySize"]) == ("app.main", 256)
    tags = lam.list_tags(Resource=arn)["Tags"]
    assert {key: value for key, value in tags.items() if not key.startswith("aws:")} == {"stage": "prod"}
    assert tags["aws:cloudformation:logical-id"] == "Fn"  # CloudFormation's own tags stay
    assert lam.get_function_concurrency(FunctionName=arn)["ReservedConcurrentExecutions"] == 3
    assert json.loads(lam.invoke(FunctionName=arn)["Payload"].read()) == "from s3"
    cf.delete_stack(StackName="app")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function(FunctionName=arn)


def test_a_new_function_name_replaces_the_function(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    cf.create_stack(StackName="app", TemplateBody=template({"Fn": function(FunctionName="first")}))
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(FunctionName="second")}))
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["second"]
    assert lam.get_function(FunctionName="second")["Tags"]["aws:cloudformation:logical-id"] == "Fn"


def test_a_resource_lambda_refuses_fails_the_stack_call_with_lambdas_error(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    with pytest.raises(ClientError) as refused:
        cf.create_stack(StackName="bad", TemplateBody=template({"Fn": function(Runtime="python2.0")}))
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "Value python2.0 at 'runtime' failed to satisfy constraint" in refused.value.response["Error"]["Message"]
    assert lam.list_functions()["Functions"] == []


def test_without_lambdamock_moto_deploys_the_functions_itself() -> None:
    with moto_aws():
        with mock_lambda():
            pass  # lambdamock has been active: its bridge to moto is installed, and now idle
        cf = boto3.client("cloudformation", region_name=REGION)
        with pytest.warns(UserWarning, match="AWS::Lambda::Alias but it's not supported"):  # moto's own answer
            cf.create_stack(StackName="app", TemplateBody=template({
                "Fn": function(FunctionName="mine"),
                "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
                    "FunctionName": "mine", "FunctionVersion": "$LATEST", "Name": "live"}}}))
        from moto.awslambda.models import lambda_backends

        assert lambda_backends["123456789012"][REGION].get_function("mine").function_name == "mine"


def test_deploying_a_stack_sends_nothing_out(escapes: Proxy) -> None:
    # The stack's resources are made through Lambda's API, answered in the process, and its code read from moto's S3.
    with moto_aws(), mock_lambda():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="code")
        s3.put_object(Bucket="code", Key="app.zip", Body=package({"index.py": INLINE}))
        cf = boto3.client("cloudformation", region_name=REGION)
        cf.create_stack(StackName="app", TemplateBody=template({
            "Fn": function(FunctionName="web", Code={"S3Bucket": "code", "S3Key": "app.zip"}),
            "V1": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}}}))
        cf.delete_stack(StackName="app")
    assert escapes.attempts == []


def test_settings_taken_out_of_the_template_go_back_to_their_defaults(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    cf.create_stack(StackName="app", TemplateBody=template({"Fn": function(
        FunctionName="web", Timeout=9, Environment={"Variables": {"COLOUR": "red"}},
        KmsKeyArn="arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")}))
    before = lam.get_function_configuration(FunctionName="web")
    assert before["KMSKeyArn"].endswith("1234567890ab")  # CloudFormation's KmsKeyArn is the API's KMSKeyArn
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(FunctionName="web", MemorySize=256)}))
    after = lam.get_function_configuration(FunctionName="web")
    assert (after["Timeout"], after["MemorySize"]) == (3, 256)
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(FunctionName="web", MemorySize=256,
                                                                             Architectures=["arm64"])}))
    assert lam.get_function_configuration(FunctionName="web")["Architectures"] == ["arm64"]
    assert "KMSKeyArn" not in after and after.get("Environment", {}).get("Variables", {}) == {}
    assert after["CodeSha256"] == before["CodeSha256"]  # the same inline source is the same package


def test_what_cannot_change_in_place_is_replaced(clients: tuple[Any, Any, Any]) -> None:
    cf, lam, _ = clients
    sqs = boto3.client("sqs", region_name=REGION)
    arns = []
    for name in ("first", "second"):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arns.append(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="layers")
    s3.put_object(Bucket="layers", Key="shared.zip", Body=package({"python/shared.py": "WORD = 1\n"}))

    def stack(queue: str, note: str) -> str:
        return template({
            "Fn": function(FunctionName="web", Description=note),  # so that there is a new version to publish
            "Jobs": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
                "FunctionName": {"Ref": "Fn"}, "EventSourceArn": queue,
                "Tags": [{"Key": "team", "Value": "web"}]}},
            "Shared": {"Type": "AWS::Lambda::LayerVersion", "Properties": {
                "LayerName": "shared", "Description": note, "Content": {"S3Bucket": "layers", "S3Key": "shared.zip"}}},
            "V": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}, "Description": note}},
        }, {"Jobs": {"Ref": "Jobs"}, "Layer": {"Ref": "Shared"}, "Version": {"Ref": "V"}})

    cf.create_stack(StackName="app", TemplateBody=stack(arns[0], "one"))
    first = outputs(cf, "app")
    mapping = lam.get_event_source_mapping(UUID=first["Jobs"])
    if "EventSourceMappingArn" in mapping:  # where botocore's model gives mappings ARNs (so tags)
        # With CloudFormation's own (recorded: LocalStack's event_source_mapping test_cfn_resource.snapshot.json).
        tags = lam.list_tags(Resource=mapping["EventSourceMappingArn"])["Tags"]
        assert tags == {"team": "web", "aws:cloudformation:logical-id": "Jobs", "aws:cloudformation:stack-name": "app",
                        "aws:cloudformation:stack-id": cf.describe_stacks(StackName="app")["Stacks"][0]["StackId"]}
    cf.update_stack(StackName="app", TemplateBody=stack(arns[1], "two"))
    second = outputs(cf, "app")
    assert lam.get_event_source_mapping(UUID=second["Jobs"])["EventSourceArn"] == arns[1]
    assert [m["UUID"] for m in lam.list_event_source_mappings()["EventSourceMappings"]] == [second["Jobs"]]
    assert second["Layer"].endswith(":layer:shared:2") and second["Version"].endswith(":web:2")
    assert [v["Version"] for v in lam.list_layer_versions(LayerName="shared")["LayerVersions"]] == [2]
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="web")["Versions"]] == ["$LATEST", "2"]


def test_a_stack_deleted_after_its_mock_stopped_sends_nothing(escapes: Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKING")  # a user's own keys: a request could be signed
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    from moto.cloudformation.models import cloudformation_backends
    from moto.core.models import botocore_stubber

    with moto_aws():
        with mock_lambda():
            cf = boto3.client("cloudformation", region_name=REGION)
            cf.create_stack(StackName="app", TemplateBody=template({"Fn": function(FunctionName="web")}))
        # As in moto's server mode: its backend deletes the stack while nothing answers botocore's requests.
        botocore_stubber.enabled = False
        try:
            cloudformation_backends["123456789012"][REGION].delete_stack("app")
        finally:
            botocore_stubber.enabled = True
    assert escapes.attempts == []  # the function went with lambdamock's mock: nothing to delete, nothing sent


def test_a_new_package_type_replaces_the_function(clients: tuple[Any, Any, Any]) -> None:
    # PackageType is create-only in AWS::Lambda::Function's schema: CloudFormation replaces the function, which a
    # name the template keeps makes impossible (CloudFormation's ValidationError text).
    cf, lam, _ = clients
    image = {"PackageType": "Image", "Runtime": None, "Handler": None,
             "Code": {"ImageUri": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:{'a' * 64}"}}

    def without_none(properties: dict[str, Any]) -> dict[str, Any]:
        return {**properties, "Properties": {k: v for k, v in properties["Properties"].items() if v is not None}}

    cf.create_stack(StackName="app", TemplateBody=template({"Fn": function()}, {"Name": {"Ref": "Fn"}}))
    first = outputs(cf, "app")["Name"]
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": without_none(function(**image))},
                                                           {"Name": {"Ref": "Fn"}}))
    second = outputs(cf, "app")["Name"]
    assert second != first and lam.get_function_configuration(FunctionName=second)["PackageType"] == "Image"
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == [second]

    cf.create_stack(StackName="named", TemplateBody=template({"Fn": function(FunctionName="web")}))
    with pytest.raises(ClientError) as refused:
        cf.update_stack(StackName="named", TemplateBody=template({"Fn": without_none(function(FunctionName="web",
                                                                                               **image))}))
    assert refused.value.response["Error"]["Message"] == (
        "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
        "Rename web and update the stack again.")
    assert lam.get_function_configuration(FunctionName="web")["PackageType"] == "Zip"


@modeled("CreateFunction", "TenancyConfig")
def test_a_template_s_tenancy_config_isolates_tenants_and_replaces_the_function_when_added(
        clients: tuple[Any, Any, Any]) -> None:
    # TenancyConfig is create-only in AWS::Lambda::Function's schema (its "Update requires: Replacement").
    cf, lam, _ = clients
    cf.create_stack(StackName="app", TemplateBody=template({"Fn": function()}, {"Name": {"Ref": "Fn"}}))
    first = outputs(cf, "app")["Name"]
    per_tenant = {"TenantIsolationMode": "PER_TENANT"}
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(TenancyConfig=per_tenant)},
                                                           {"Name": {"Ref": "Fn"}}))
    second = outputs(cf, "app")["Name"]
    assert second != first and lam.get_function_configuration(FunctionName=second)["TenancyConfig"] == per_tenant
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == [second]
    assert lam.invoke(FunctionName=second, TenantId="blue")["StatusCode"] == 200
    # Another change is made in place: the function and its tenancy stay.
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(TenancyConfig=per_tenant, Timeout=9)},
                                                           {"Name": {"Ref": "Fn"}}))
    assert outputs(cf, "app")["Name"] == second
    assert lam.get_function_configuration(FunctionName=second)["TenancyConfig"] == per_tenant


def test_a_generated_function_name_fits_lambdas_limit(clients: tuple[Any, Any, Any]) -> None:
    # CloudFormation shortens the names it generates to what the resource takes (64 characters for a function).
    cf, lam, _ = clients
    stack = "orders-service-production-eu-central-blue-green"
    cf.create_stack(StackName=stack, TemplateBody=template({"ProcessOrdersFunction": function()},
                                                           {"Name": {"Ref": "ProcessOrdersFunction"}}))
    name = outputs(cf, stack)["Name"]
    assert len(name) <= 64 and name.startswith("orders-service-") and "-ProcessOrders" in name
    assert json.loads(lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read())["module"] == "SUCCESS"


def test_generated_names_cut_to_lambdas_limit_stay_unique(clients: tuple[Any, Any, Any]) -> None:
    # A generated name ends with a random string that makes it unique (CloudFormation's "Name type" docs); cut
    # to 64 characters it keeps it, so two functions whose stack and logical ids share a long prefix both deploy.
    cf, lam, _ = clients
    stack = "orders-service-production-eu-central-blue-green"
    cf.create_stack(StackName=stack, TemplateBody=template(
        {"ProcessOrdersFunctionPrimary": function(), "ProcessOrdersFunctionSecondary": function()},
        {"A": {"Ref": "ProcessOrdersFunctionPrimary"}, "B": {"Ref": "ProcessOrdersFunctionSecondary"}}))
    names = outputs(cf, stack)
    assert names["A"] != names["B"] and all(len(name) <= 64 for name in names.values())
    assert {function["FunctionName"] for function in lam.list_functions()["Functions"]} == set(names.values())


def test_every_setting_taken_out_of_the_template_goes_back_to_lambdas_default(clients: tuple[Any, Any, Any]) -> None:
    # The defaults are what CloudFormation's function without them has on AWS (recorded: LocalStack's
    # AWS-validated cloudformation/resources/test_lambda.snapshot.json, test_lambda_function_tags: Description "",
    # MemorySize 128, EphemeralStorage 512, TracingConfig PassThrough, SnapStart ApplyOn None, Architectures
    # x86_64, no layers).
    cf, lam, _ = clients
    layer = lam.publish_layer_version(LayerName="shared", Content={"ZipFile": package({"python/shared.py": ""})})
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName="dead")["QueueUrl"],
                                     AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    network = {"SubnetIds": [ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]],
               "SecurityGroupIds": [group]}
    # Given by an update, not at creation: what an update takes out is what the last one gave.
    cf.create_stack(StackName="app", TemplateBody=template({"Fn": function(FunctionName="web")}))
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(
        FunctionName="web", Description="set", MemorySize=256, Layers=[layer["LayerVersionArn"]],
        TracingConfig={"Mode": "Active"}, DeadLetterConfig={"TargetArn": queue}, EphemeralStorage={"Size": 1024},
        SnapStart={"ApplyOn": "PublishedVersions"}, VpcConfig=network, ReservedConcurrentExecutions=3,
        Architectures=["arm64"])}))
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(FunctionName="web")}))
    after = lam.get_function_configuration(FunctionName="web")
    assert (after["Description"], after["MemorySize"], after["EphemeralStorage"], after["TracingConfig"]) == (
        "", 128, {"Size": 512}, {"Mode": "PassThrough"})
    assert after.get("Layers", []) == [] and after.get("DeadLetterConfig", {}).get("TargetArn") in (None, "")
    assert after["SnapStart"]["ApplyOn"] == "None"
    assert not after.get("VpcConfig", {}).get("SubnetIds")
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="web")
    assert after["Architectures"] == ["x86_64"]


def test_tags_taken_out_of_the_template_go_and_cloudformation_s_stay(clients: tuple[Any, Any, Any]) -> None:
    # docs/moto.md: an update changes a function's tags in place; CloudFormation's own stay (recorded: LocalStack's
    # AWS-validated cloudformation/resources/test_lambda.snapshot.json, test_lambda_function_tags).
    cf, lam, _ = clients
    cf.create_stack(StackName="app", TemplateBody=template({"Fn": function(
        FunctionName="web", Tags=[{"Key": "team", "Value": "web"}, {"Key": "stage", "Value": "prod"}])}))
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(FunctionName="web")}))
    tags = lam.list_tags(Resource=lam.get_function(FunctionName="web")["Configuration"]["FunctionArn"])["Tags"]
    assert sorted(tags) == ["aws:cloudformation:logical-id", "aws:cloudformation:stack-id",
                            "aws:cloudformation:stack-name"]


def test_a_tag_whose_value_changed_takes_the_new_value(clients: tuple[Any, Any, Any]) -> None:
    # docs/moto.md: an update changes a function's tags in place (Tags is not among AWS::Lambda::Function's
    # createOnlyProperties in its resource schema); a tag the function already has takes the template's new value.
    cf, lam, _ = clients
    cf.create_stack(StackName="app", TemplateBody=template({"Fn": function(
        FunctionName="web", Tags=[{"Key": "team", "Value": "web"}])}))
    cf.update_stack(StackName="app", TemplateBody=template({"Fn": function(
        FunctionName="web", Tags=[{"Key": "team", "Value": "api"}, {"Key": "stage", "Value": "prod"}])}))
    tags = lam.list_tags(Resource=lam.get_function(FunctionName="web")["Configuration"]["FunctionArn"])["Tags"]
    assert (tags["team"], tags["stage"]) == ("api", "prod")


def test_an_update_that_leaves_code_as_it_was_does_not_redeploy_it(clients: tuple[Any, Any, Any]) -> None:
    # docs/moto.md: an update changes a function's code only when Code changed; a new object under the same S3 key
    # is not a change of the template.
    cf, lam, _ = clients
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="app.zip", Body=package({"app.py": "def main(event, context):\n    return 1\n"}))

    def stack(note: str) -> str:
        return template({"Fn": function(FunctionName="web", Handler="app.main", Description=note,
                                        Code={"S3Bucket": "code", "S3Key": "app.zip"})})

    cf.create_stack(StackName="app", TemplateBody=stack("one"))
    s3.put_object(Bucket="code", Key="app.zip", Body=package({"app.py": "def main(event, context):\n    return 2\n"}))
    cf.update_stack(StackName="app", TemplateBody=stack("two"))
    assert json.loads(lam.invoke(FunctionName="web")["Payload"].read()) == 1
