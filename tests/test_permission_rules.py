"""Resource policies in detail: GetPolicy's text, the partition of an account principal, the size limit's boundary,
and how IAM's rules match what a trigger asks (case of actions, ARN parts, ArnEquals's wildcards,
StringEqualsIgnoreCase)."""

from __future__ import annotations

import json
from typing import Any, Iterator

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.conftest import ACCOUNT, function_arn
from tests.helpers import modeled, moto_aws, moto_role

ARN = function_arn("f")
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:orders"


def test_get_policy_answers_compact_json(client, create_function):
    # AWS SDK Code Examples, "Use GetPolicy with a CLI" (docs.aws.amazon.com/code-library/latest/ug/
    # lambda_example_lambda_GetPolicy_section.html): the Policy string is compact JSON in AWS's member order.
    create_function()
    client.add_permission(FunctionName="f", StatementId="iot-events", Action="lambda:InvokeFunction",
                          Principal="iotevents.amazonaws.com")
    assert client.get_policy(FunctionName="f")["Policy"] == (
        '{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"iot-events","Effect":"Allow",'
        f'"Principal":{{"Service":"iotevents.amazonaws.com"}},"Action":"lambda:InvokeFunction","Resource":"{ARN}"}}]}}'
    )


def test_an_account_principal_is_the_root_of_the_functions_partition(lambda_mock):
    # An account id becomes that account's root in the function's own partition (IAM ARNs in China are aws-cn).
    lam = boto3.client("lambda", region_name="cn-north-1")
    lam.create_function(FunctionName="f", Runtime="python3.12", Role=f"arn:aws-cn:iam::{ACCOUNT}:role/r",
                        Handler="index.handler", Code={"ZipFile": package({"index.py": "def handler(e, c): pass"})})
    statement = json.loads(lam.add_permission(FunctionName="f", StatementId="x", Action="lambda:InvokeFunction",
                                              Principal=ACCOUNT)["Statement"])
    assert statement["Principal"] == {"AWS": f"arn:aws-cn:iam::{ACCOUNT}:root"}
    assert statement["Resource"] == f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:f"


def test_a_policy_of_exactly_the_limit_is_kept(client, create_function):
    # AWS's words: "The final policy size (N) is bigger than the limit (20480)." A policy of 20480 is not bigger.
    create_function()

    def grant(sid: str, length: int) -> None:
        client.add_permission(FunctionName="f", StatementId=sid, Action="lambda:InvokeFunction",
                              Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::" + "b" * length)

    for sid in ("one", "two", "three"):
        grant(sid, 6000)
    grant("four", 100)
    room = 100 + 20480 - len(client.get_policy(FunctionName="f")["Policy"])  # one byte of SourceArn, one of policy
    client.remove_permission(FunctionName="f", StatementId="four")
    grant("four", room)
    assert len(client.get_policy(FunctionName="f")["Policy"]) == 20480
    client.remove_permission(FunctionName="f", StatementId="four")
    with pytest.raises(client.exceptions.PolicyLengthExceededException, match=r"\(20481\) is bigger"):
        grant("four", room + 1)


# -- what a trigger's request matches (IAM's rules, as IAM's "Condition operators" and "Action" pages give them) ---


@pytest.fixture
def world() -> Iterator[Any]:
    with moto_aws(), mock_lambda() as mock:
        lam = boto3.client("lambda", region_name="us-east-1")
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=moto_role(), Handler="index.handler",
                            Code={"ZipFile": package({"index.py": "def handler(e, c):\n    return e\n"})})
        sns = boto3.client("sns", region_name="us-east-1")
        sns.create_topic(Name="orders")
        sns.subscribe(TopicArn=TOPIC, Protocol="lambda", Endpoint=ARN)
        yield mock, lam, sns


def _invoked_by_sns(world: Any) -> bool:
    mock, _, sns = world
    sns.publish(TopicArn=TOPIC, Message="hello")
    mock.wait()
    return len(mock.invocations) == 1


def test_an_action_matches_whatever_its_case(world):
    # IAM JSON policy elements, Action: "The prefix and the action name are case insensitive".
    world[1].add_permission(FunctionName="f", StatementId="sns", Action="lambda:invokefunction",
                            Principal="sns.amazonaws.com", SourceArn=TOPIC)
    assert _invoked_by_sns(world)


@modeled("PutResourcePolicy")
@pytest.mark.parametrize("condition", [
    # IAM condition operators: ArnEquals and ArnLike alike take * and ? in each of the ARN's six parts.
    {"ArnEquals": {"AWS:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:ord?r*"}},
    # StringEqualsIgnoreCase: exact matching, ignoring case.
    {"StringEqualsIgnoreCase": {"AWS:SourceArn": TOPIC.upper()}},
], ids=["ArnEquals-wildcards", "StringEqualsIgnoreCase"])
def test_condition_operators_as_iam_defines_them(world, condition):
    document = {"Version": "2012-10-17", "Statement": [{
        "Sid": "sns", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": ARN, "Condition": condition}]}
    world[1].put_resource_policy(ResourceArn=ARN, Policy=json.dumps(document))
    assert _invoked_by_sns(world)


@modeled("PutResourcePolicy")
def test_a_statement_element_may_hold_a_single_statement(world):
    # IAM JSON policy elements, Statement (docs.aws.amazon.com/IAM/latest/UserGuide/
    # reference_policies_elements_statement.html): "The Statement element can contain a single statement or an
    # array of individual statements."
    document = {"Version": "2012-10-17", "Statement": {
        "Sid": "sns", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": ARN, "Condition": {"ArnLike": {"AWS:SourceArn": TOPIC}}}}
    world[1].put_resource_policy(ResourceArn=ARN, Policy=json.dumps(document))
    assert _invoked_by_sns(world)


def test_an_arn_wildcard_reaches_across_colons_of_the_resource_part(world):
    # IAM condition operators, ARN: "Each of the six colon-delimited components of the ARN is checked separately":
    # the sixth is everything after the fifth colon, so a log group's "log-group:app:*" is one part.
    _, lam, _ = world
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="app")
    lam.add_permission(FunctionName="f", StatementId="logs", Action="lambda:InvokeFunction",
                       Principal="logs.amazonaws.com", SourceArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*")
    logs.put_subscription_filter(logGroupName="app", filterName="all", filterPattern="", destinationArn=ARN)
    assert [f["filterName"] for f in logs.describe_subscription_filters(logGroupName="app")["subscriptionFilters"]] == [
        "all"]
