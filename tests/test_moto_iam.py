"""While moto simulates IAM (its opt-in enable_iam_authentication), Lambda's calls are authorized as AWS does.

Texts as AWS users report them: an explicit deny (cloud-custodian#4736, nficano/python-lambda#715), no
policy allowing the action (awslabs/aws-deployment-framework#460); UnrecognizedClientException and
InvalidSignatureException are the front end's answers to an unknown key and a wrong secret.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Iterator

import boto3
import pytest

from lambdamock import package
from tests.helpers import ROLE, moto_aws

# moto's enable_iam_authentication came with moto.core.authorization, in moto 5.1.17.
pytest.importorskip("moto.core.authorization")

ECHO = "def handler(event, context):\n    return event\n"


@pytest.fixture
def iam_enforced(lambda_mock) -> Iterator[Any]:
    """An IAM client of moto's; Lambda's calls made after setup (functions a and b exist) are authorized."""
    from moto.core.authorization import enable_iam_authentication

    with moto_aws():
        lambda_ = boto3.client("lambda", region_name="us-east-1")
        for name in ("a", "b"):
            lambda_.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                    Code={"ZipFile": package({"app.py": ECHO})})
        iam = boto3.client("iam", region_name="us-east-1")
        with enable_iam_authentication():
            yield iam


def user_with(iam: Any, name: str, *statements: dict[str, Any], secret: str = "") -> Any:
    """A Lambda client signing as a new user of moto's IAM whose inline policy has ``statements``."""
    from moto.core.authorization import ActionAuthenticatorMixin

    ActionAuthenticatorMixin.request_count = -3  # as moto counts calls: the next three (these) pass unchecked
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return boto3.client("lambda", region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=secret or key["SecretAccessKey"])


def refused(call: Any) -> dict[str, Any]:
    with pytest.raises(Exception) as error:
        call()
    response: dict[str, Any] = error.value.response  # type: ignore[attr-defined]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return response["Error"]


def test_a_policy_allowing_one_function_invokes_it_and_no_other(iam_enforced):
    arn = "arn:aws:lambda:us-east-1:123456789012:function:a"
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn})
    assert json.loads(client.invoke(FunctionName="a", Payload=b'{"x": 1}')["Payload"].read()) == {"x": 1}
    assert refused(lambda: client.invoke(FunctionName="b")) == {
        "Code": "AccessDeniedException",
        "Message": "User: arn:aws:iam::123456789012:user/u is not authorized to perform: lambda:InvokeFunction on "
                   "resource: arn:aws:lambda:us-east-1:123456789012:function:b because no identity-based policy "
                   "allows the lambda:InvokeFunction action"}
    assert refused(lambda: client.list_functions())["Code"] == "AccessDeniedException"


def test_an_explicit_deny_wins_and_changes_nothing(iam_enforced):
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
                       {"Effect": "Deny", "Action": "lambda:DeleteFunction", "Resource": "*"})
    assert refused(lambda: client.delete_function(FunctionName="a"))["Message"] == (
        "User: arn:aws:iam::123456789012:user/u is not authorized to perform: lambda:DeleteFunction on resource: "
        "arn:aws:lambda:us-east-1:123456789012:function:a with an explicit deny in an identity-based policy")
    assert [entry["FunctionName"] for entry in client.list_functions()["Functions"]] == ["a", "b"]
    # As moto's own Lambda test (test_lambda_request_unauthorized_user): the name is not even looked at.
    denying = user_with(iam_enforced, "v", {"Effect": "Deny", "Action": "lambda:*", "Resource": "*"})
    assert "not authorized to perform: lambda:Invoke" in refused(
        lambda: denying.invoke(FunctionName="n/a", Payload="{}"))["Message"]


def test_a_policy_names_what_the_request_names(iam_enforced):
    # Lambda's resource types: a function (as qualified), a layer version, a mapping, a tagged resource.
    function = "arn:aws:lambda:us-east-1:123456789012:function:a"
    layer = "arn:aws:lambda:us-east-1:123456789012:layer:l:1"
    user_with(iam_enforced, "owner", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}).publish_layer_version(
        LayerName="l", Content={"ZipFile": package({"python/m.py": ""})})
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": ["lambda:TagResource", "lambda:GetLayerVersion"],
                                           "Resource": [function, layer]})
    client.tag_resource(Resource=function, Tags={"k": "v"})
    assert client.get_layer_version_by_arn(Arn=layer)["Version"] == 1
    assert client.get_layer_version(LayerName=layer.rsplit(":", 1)[0], VersionNumber=1)["Version"] == 1
    assert refused(lambda: client.tag_resource(Resource=function.replace(":a", ":b"), Tags={"k": "v"}))[
        "Message"].endswith("because no identity-based policy allows the lambda:TagResource action")
    # Signed for an endpoint that names its default port, as botocore signs it (without the port).
    port = boto3.client("lambda", region_name="us-east-1", endpoint_url="https://lambda.us-east-1.amazonaws.com:443",
                        aws_access_key_id=client._request_signer._credentials.access_key,
                        aws_secret_access_key=client._request_signer._credentials.secret_key)
    port.tag_resource(Resource=function, Tags={"k": "w"})


def test_get_function_shows_tags_only_to_a_caller_allowed_to_list_them(iam_enforced):
    # AWS: "Lambda returns tag data only if you have explicit allow permissions for lambda:ListTags"
    # (GetFunctionResponse's Tags, in the API reference).
    function = "arn:aws:lambda:us-east-1:123456789012:function:a"
    user_with(iam_enforced, "owner", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}).tag_resource(
        Resource=function, Tags={"team": "a"})
    reader = user_with(iam_enforced, "reader", {"Effect": "Allow", "Action": "lambda:GetFunction", "Resource": "*"})
    assert "Tags" not in reader.get_function(FunctionName="a")
    both = user_with(iam_enforced, "both", {"Effect": "Allow", "Action": ["lambda:GetFunction", "lambda:ListTags"],
                                            "Resource": function})
    assert both.get_function(FunctionName="a")["Tags"] == {"team": "a"}
    denied = user_with(iam_enforced, "denied", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
                       {"Effect": "Deny", "Action": "lambda:ListTags", "Resource": "*"})
    assert "Tags" not in denied.get_function(FunctionName="a")


def test_a_handler_acts_with_its_execution_roles_policies(iam_enforced):
    # On Lambda a handler's calls are its execution role's (see test_role_credentials): what the role's policies
    # allow goes through, anything else is refused, naming the role's session.
    from moto.core.authorization import ActionAuthenticatorMixin

    ActionAuthenticatorMixin.request_count = -1  # the next call (this one) passes unchecked
    iam_enforced.put_role_policy(RoleName=ROLE.rsplit("/", 1)[1], PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"}]}))
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"})
    source = (
        "import boto3\n"
        "def handler(event, context):\n"
        "    boto3.client('dynamodb', region_name='us-east-1').list_tables()\n"
        "    try:\n"
        "        boto3.client('sqs', region_name='us-east-1').list_queues()\n"
        "    except Exception as error:\n"
        "        return str(error)\n"
    )
    client.create_function(FunctionName="reader", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})})
    refusal = json.loads(client.invoke(FunctionName="reader")["Payload"].read())
    assert "arn:aws:sts::123456789012:assumed-role/lambda-role/reader is not authorized to perform: sqs:ListQueues" in \
        refusal


def test_the_lambda_calls_of_a_stack_moto_authorized_are_not_checked_again(iam_enforced):
    # moto's CloudFormation authorized CreateStack; the function it makes is lambdamock's to create.
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "*", "Resource": "*"})
    keys = client._request_signer._credentials
    stacks = boto3.client("cloudformation", region_name="us-east-1", aws_access_key_id=keys.access_key,
                          aws_secret_access_key=keys.secret_key)
    stacks.create_stack(StackName="s", TemplateBody=json.dumps({"Resources": {"Fn": {
        "Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "fromstack", "Runtime": "python3.12",
                                                         "Handler": "index.handler", "Role": ROLE,
                                                         "Code": {"ZipFile": ECHO}}}}}))
    assert stacks.describe_stacks(StackName="s")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert client.get_function(FunctionName="fromstack")["Configuration"]["Handler"] == "index.handler"


def test_an_unknown_key_or_a_wrong_secret_is_refused(iam_enforced):
    unknown = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="AKIAUNKNOWN0000000000",
                           aws_secret_access_key="secret")
    assert refused(lambda: unknown.list_functions()) == {
        "Code": "UnrecognizedClientException", "Message": "The security token included in the request is invalid."}
    wrong = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}, secret="wrong")
    assert refused(lambda: wrong.list_functions())["Code"] == "InvalidSignatureException"


ACCOUNT_ARN = "arn:aws:lambda:us-east-1:123456789012"
MAPPING = "14e0db71-5d35-4eb5-b481-8945cf9d10c2"


@pytest.mark.parametrize(("operation", "params", "action", "resource"), [
    # AWS's ARN formats and actions: "Resources and conditions for Lambda actions" (developer guide), whose
    # InvokeFunction is Invoke's action, and InvokeWithResponseStream's ("This operation requires permission for
    # the lambda:InvokeFunction action", its API reference).
    ("invoke_with_response_stream", {"FunctionName": "a"}, "InvokeFunction", f"{ACCOUNT_ARN}:function:a"),
    ("invoke", {"FunctionName": "a", "Qualifier": "1"}, "InvokeFunction", f"{ACCOUNT_ARN}:function:a:1"),
    ("get_event_source_mapping", {"UUID": MAPPING}, "GetEventSourceMapping",
     f"{ACCOUNT_ARN}:event-source-mapping:{MAPPING}"),
    ("update_event_source_mapping", {"UUID": MAPPING, "FunctionName": "a"}, "UpdateEventSourceMapping",
     f"{ACCOUNT_ARN}:event-source-mapping:{MAPPING}"),
    ("get_code_signing_config", {"CodeSigningConfigArn": f"{ACCOUNT_ARN}:code-signing-config:csc-0123456789abcdef0"},
     "GetCodeSigningConfig", f"{ACCOUNT_ARN}:code-signing-config:csc-0123456789abcdef0"),
    ("get_layer_version", {"LayerName": "l", "VersionNumber": 1}, "GetLayerVersion", f"{ACCOUNT_ARN}:layer:l:1"),
    # The Service Authorization Reference's table for Lambda: CreateEventSourceMapping and ListEventSourceMappings
    # act on no resource ("*", the function being only CreateEventSourceMapping's lambda:FunctionArn condition key);
    # GetResourcePolicy acts on the function its ResourceArn names.
    ("create_event_source_mapping", {"FunctionName": "a", "EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q"},
     "CreateEventSourceMapping", "*"),
    ("list_event_source_mappings", {"FunctionName": "a"}, "ListEventSourceMappings", "*"),
    ("get_resource_policy", {"ResourceArn": f"{ACCOUNT_ARN}:function:a"}, "GetResourcePolicy",
     f"{ACCOUNT_ARN}:function:a"),
    # An action on no named resource is refused "on resource: *" (AWS's text as users report it for ListFunctions:
    # aws/aws-toolkit-jetbrains#595, prowler-cloud/prowler#4209).
    ("list_functions", {}, "ListFunctions", "*"),
])
def test_a_refusal_names_the_action_and_the_resource_the_request_names(iam_enforced, operation, params, action,
                                                                       resource):
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"})
    assert refused(lambda: getattr(client, operation)(**params))["Message"] == (
        f"User: arn:aws:iam::123456789012:user/u is not authorized to perform: lambda:{action} on resource: "
        f"{resource} because no identity-based policy allows the lambda:{action} action")


def test_the_first_calls_moto_lets_pass_unchecked_are_counted(iam_enforced):
    from moto.core.authorization import ActionAuthenticatorMixin

    unknown = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="AKIAUNKNOWN0000000000",
                           aws_secret_access_key="secret")
    ActionAuthenticatorMixin.request_count = -2  # the next two calls pass unchecked
    for _ in range(2):
        assert len(unknown.list_functions()["Functions"]) == 2
    assert refused(lambda: unknown.list_functions())["Code"] == "UnrecognizedClientException"


def tagging_as(client: Any) -> Any:
    """A Resource Groups Tagging API client signing as the same user as ``client``."""
    keys = client._request_signer._credentials
    return boto3.client("resourcegroupstaggingapi", region_name="us-east-1", aws_access_key_id=keys.access_key,
                        aws_secret_access_key=keys.secret_key)


def test_the_tagging_api_tags_functions_for_a_caller_moto_authorized(iam_enforced):
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "*", "Resource": "*"})
    function = "arn:aws:lambda:us-east-1:123456789012:function:a"
    assert tagging_as(client).tag_resources(ResourceARNList=[function], Tags={"team": "a"})["FailedResourcesMap"] == {}
    assert client.list_tags(Resource=function)["Tags"] == {"team": "a"}


def test_the_tagging_api_leaves_a_function_the_caller_may_not_tag_and_names_it_in_the_failures(iam_enforced):
    # TagResources and UntagResources also need the resource's own tagging permission (lambda:TagResource,
    # lambda:UntagResource): without it the resource is in FailedResourcesMap with AccessDeniedException
    # (Resource Groups Tagging API reference: TagResources "Minimum permissions", FailureInfo).
    a, b = (f"arn:aws:lambda:us-east-1:123456789012:function:{name}" for name in "ab")
    # moto prefixes the tagging API's actions "tagging:", not AWS's "tag:".
    tagger = {"Effect": "Allow", "Action": ["tag:*", "tagging:*", "lambda:ListTags"], "Resource": "*"}
    client = user_with(iam_enforced, "u", tagger,
                       {"Effect": "Allow", "Action": ["lambda:TagResource", "lambda:UntagResource"], "Resource": b},
                       {"Effect": "Deny", "Action": "lambda:UntagResource", "Resource": a})
    tagging = tagging_as(client)
    failed = tagging.tag_resources(ResourceARNList=[a, b], Tags={"team": "x"})["FailedResourcesMap"]
    assert failed == {a: {"StatusCode": 403, "ErrorCode": "AccessDeniedException", "ErrorMessage":
                          "User: arn:aws:iam::123456789012:user/u is not authorized to perform: lambda:TagResource on "
                          f"resource: {a} because no identity-based policy allows the lambda:TagResource action"}}
    assert [client.list_tags(Resource=arn)["Tags"] for arn in (a, b)] == [{}, {"team": "x"}]
    user_with(iam_enforced, "owner", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}).tag_resource(
        Resource=a, Tags={"team": "a"})
    failed = tagging.untag_resources(ResourceARNList=[a, b], TagKeys=["team"])["FailedResourcesMap"]
    assert failed[a]["ErrorMessage"] == ("User: arn:aws:iam::123456789012:user/u is not authorized to perform: "
                                         f"lambda:UntagResource on resource: {a} with an explicit deny in an "
                                         "identity-based policy")
    assert list(failed) == [a]
    assert [client.list_tags(Resource=arn)["Tags"] for arn in (a, b)] == [{"team": "a"}, {}]


def test_a_deny_of_list_tags_in_another_of_the_callers_policies_hides_the_tags(iam_enforced):
    # IAM's evaluation logic: an explicit deny in any applicable policy overrides an allow in another.
    from moto.core.authorization import ActionAuthenticatorMixin

    function = "arn:aws:lambda:us-east-1:123456789012:function:a"
    user_with(iam_enforced, "owner", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}).tag_resource(
        Resource=function, Tags={"team": "a"})
    reader = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"})
    ActionAuthenticatorMixin.request_count = -1  # the next call (this one) passes unchecked
    iam_enforced.put_user_policy(UserName="u", PolicyName="deny", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "lambda:ListTags", "Resource": "*"}]}))
    assert "Tags" not in reader.get_function(FunctionName="a")


def test_a_function_created_with_a_code_signing_config_is_authorized_on_the_function(iam_enforced):
    # CreateFunction acts on the function; its CodeSigningConfigArn is a condition key (lambda:CodeSigningConfigArn),
    # not the resource ("Resources and conditions for Lambda actions" and "Configuring IAM policies for Lambda code
    # signing configurations", developer guide).
    owner = user_with(iam_enforced, "owner", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"})
    config = owner.create_code_signing_config(AllowedPublishers={"SigningProfileVersionArns": [
        "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p/abcdef1234"]})["CodeSigningConfig"]
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "lambda:CreateFunction",
                                           "Resource": "arn:aws:lambda:us-east-1:123456789012:function:signed"})
    client.create_function(FunctionName="signed", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": ECHO})},
                           CodeSigningConfigArn=config["CodeSigningConfigArn"])
    assert refused(lambda: client.create_function(
        FunctionName="other", Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": package({"app.py": ECHO})}, CodeSigningConfigArn=config["CodeSigningConfigArn"]))[
        "Message"].startswith("User: arn:aws:iam::123456789012:user/u is not authorized to perform: "
                              "lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:other")


def test_event_source_mappings_are_created_and_listed_on_any_resource_not_on_the_function(iam_enforced):
    # The Service Authorization Reference lists no resource type for either action: a statement naming the function
    # does not allow them, one on "*" does.
    from moto.core.authorization import ActionAuthenticatorMixin

    ActionAuthenticatorMixin.request_count = -2  # the next two calls (these) pass unchecked
    sqs = boto3.client("sqs", region_name="us-east-1")
    source = sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName="q")["QueueUrl"],
                                      AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    actions = ["lambda:CreateEventSourceMapping", "lambda:ListEventSourceMappings"]
    scoped = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": actions,
                                           "Resource": "arn:aws:lambda:us-east-1:123456789012:function:a"})
    assert refused(lambda: scoped.create_event_source_mapping(FunctionName="a", EventSourceArn=source))[
        "Message"].endswith("lambda:CreateEventSourceMapping on resource: * because no identity-based policy allows "
                            "the lambda:CreateEventSourceMapping action")
    assert refused(lambda: scoped.list_event_source_mappings(FunctionName="a"))["Code"] == "AccessDeniedException"
    anywhere = user_with(iam_enforced, "v", {"Effect": "Allow", "Action": actions, "Resource": "*"})
    uuid = anywhere.create_event_source_mapping(FunctionName="a", EventSourceArn=source)["UUID"]
    assert [m["UUID"] for m in anywhere.list_event_source_mappings(FunctionName="a")["EventSourceMappings"]] == [uuid]


def test_a_code_signing_config_is_attached_only_by_a_caller_allowed_on_both_function_and_config(iam_enforced):
    # PutFunctionCodeSigningConfig's resource types are the code signing config and the function, both required
    # (the Service Authorization Reference's table for Lambda).
    function = "arn:aws:lambda:us-east-1:123456789012:function:a"
    owner = user_with(iam_enforced, "owner", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"})
    config = owner.create_code_signing_config(AllowedPublishers={"SigningProfileVersionArns": [
        "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p/abcdef1234"]})["CodeSigningConfig"][
        "CodeSigningConfigArn"]
    action = "lambda:PutFunctionCodeSigningConfig"
    for name, resource, missing in (("f", function, config), ("c", config, function)):
        client = user_with(iam_enforced, name, {"Effect": "Allow", "Action": action, "Resource": resource})
        assert refused(functools.partial(client.put_function_code_signing_config, FunctionName="a",
                                         CodeSigningConfigArn=config))["Message"] == (
            f"User: arn:aws:iam::123456789012:user/{name} is not authorized to perform: {action} on resource: "
            f"{missing} because no identity-based policy allows the {action} action")
    both = user_with(iam_enforced, "both", {"Effect": "Allow", "Action": action, "Resource": [function, config]})
    assert both.put_function_code_signing_config(FunctionName="a", CodeSigningConfigArn=config)[
        "CodeSigningConfigArn"] == config
