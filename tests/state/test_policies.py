"""Policy evaluation: what a function's policy allows, directly and for documents written through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lambdamock.state.policies import Policy, Request, principal

ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"
TOPIC = "arn:aws:sns:us-east-1:123456789012:orders"
INVOKE = "lambda:InvokeFunction"
URL = "lambda:InvokeFunctionUrl"


def policy_of(*statements: dict[str, Any], resource: str = ARN) -> Policy:
    full = [{"Effect": "Allow", "Action": INVOKE, "Resource": resource, **statement} for statement in statements]
    parsed = Policy.parse(resource, json.dumps({"Version": "2012-10-17", "Statement": full}))
    assert parsed is not None
    return parsed


SNS = {"Principal": {"Service": "sns.amazonaws.com"}}


@pytest.mark.parametrize(
    ("condition", "source_arn", "allowed"),
    [
        ({"ArnLike": {"AWS:SourceArn": TOPIC}}, TOPIC, True),
        ({"ArnLike": {"AWS:SourceArn": TOPIC}}, TOPIC + "-2", False),
        ({"ArnLike": {"AWS:SourceArn": "arn:aws:sns:*:123456789012:ord?rs"}}, TOPIC, True),
        ({"ArnLike": {"AWS:SourceArn": "arn:aws:sns:*:123456789012:ord?rs"}}, TOPIC + "x", False),
        # Each of the six parts is matched on its own: "*" does not reach across a colon.
        ({"ArnLike": {"AWS:SourceArn": "arn:aws:sns:*:orders"}}, TOPIC, False),
        ({"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:*"}}, TOPIC, True),
        # A pattern of five parts names no ARN: IAM checks "each of the six colon-delimited components"
        # (IAM JSON policy elements: Condition operators, Amazon Resource Name (ARN) condition operators).
        ({"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012"}}, TOPIC, False),
        # Keys are compared without regard to case, as IAM does.
        ({"ArnLike": {"aws:sourcearn": TOPIC}}, TOPIC, True),
        ({"ArnLike": {"AWS:SourceArn": [TOPIC + "-2", TOPIC]}}, TOPIC, True),
        # A key the request lacks matches nothing.
        ({"ArnLike": {"AWS:SourceArn": TOPIC}}, None, False),
        ({"ArnNotLike": {"AWS:SourceArn": TOPIC}}, None, True),
        ({"ArnNotLike": {"AWS:SourceArn": TOPIC}}, TOPIC, False),
        ({"StringLike": {"AWS:SourceArn": "arn:aws:sns:*"}}, TOPIC, True),
        # An operator lambdamock does not know makes the statement not apply.
        ({"ForAnyValue:StringEquals": {"AWS:SourceArn": TOPIC}}, TOPIC, False),
    ],
)
def test_service_principal_with_source_arn(condition, source_arn, allowed):
    policy = policy_of({**SNS, "Condition": condition})
    assert policy.allows(Request(INVOKE, "sns.amazonaws.com", source_arn=source_arn)) is allowed


def test_principal_action_and_resource_must_all_match():
    policy = policy_of(SNS)
    assert policy.allows(Request(INVOKE, "sns.amazonaws.com"))
    assert not policy.allows(Request(INVOKE, "s3.amazonaws.com"))
    assert not policy.allows(Request(URL, "sns.amazonaws.com"))
    assert not policy.allows(Request(INVOKE, None))
    assert policy_of({**SNS, "Action": "lambda:*"}).allows(Request("lambda:invokefunction", "sns.amazonaws.com"))
    # A statement about another resource does not apply; wildcards in Resource do.
    assert not policy_of({**SNS, "Resource": ARN + ":live"}).allows(Request(INVOKE, "sns.amazonaws.com"))
    assert policy_of({**SNS, "Resource": ARN + "*"}).allows(Request(INVOKE, "sns.amazonaws.com"))


def test_source_account():
    policy = policy_of({**SNS, "Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"}}})
    assert policy.allows(Request(INVOKE, "sns.amazonaws.com", source_account="123456789012"))
    assert not policy.allows(Request(INVOKE, "sns.amazonaws.com", source_account="210987654321"))
    assert not policy.allows(Request(INVOKE, "sns.amazonaws.com"))


@pytest.mark.parametrize(
    ("granted", "caller", "allowed"),
    [
        ("arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/app", True),
        ("arn:aws:iam::123456789012:root", "123456789012", True),
        ("arn:aws:iam::123456789012:root", "arn:aws:iam::210987654321:role/app", False),
        ("123456789012", "arn:aws:iam::123456789012:user/dev", True),
        ("arn:aws:iam::123456789012:role/app", "arn:aws:iam::123456789012:role/app", True),
        ("arn:aws:iam::123456789012:role/app", "arn:aws:iam::123456789012:role/other", False),
        ("*", None, True),
        ("arn:aws:iam::123456789012:root", None, False),
        ("arn:aws:iam::123456789012:root", "sns.amazonaws.com", False),
    ],
)
def test_aws_principals(granted, caller, allowed):
    assert policy_of({"Principal": {"AWS": granted}}).allows(Request(INVOKE, caller)) is allowed


def test_function_url_auth_type_and_invoked_via_url():
    public = policy_of({"Principal": "*", "Action": URL, "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}})
    assert public.allows(Request(URL, None, url_auth_type="NONE"))
    assert not public.allows(Request(URL, None, url_auth_type="AWS_IAM"))
    assert not public.allows(Request(INVOKE, None, url_auth_type="NONE"))
    via = policy_of({"Principal": "*", "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": True}}})
    assert via.allows(Request(INVOKE, None, invoked_via_url=True))
    assert not via.allows(Request(INVOKE, None))


def test_a_deny_wins():
    policy = policy_of({**SNS}, {"Effect": "Deny", "Principal": "*", "Condition": {"StringNotEquals": {"AWS:SourceAccount": "123456789012"}}})
    assert policy.allows(Request(INVOKE, "sns.amazonaws.com", source_account="123456789012"))
    assert not policy.allows(Request(INVOKE, "sns.amazonaws.com", source_account="210987654321"))
    # No source account at all: the negated condition holds, so the deny applies.
    assert not policy.allows(Request(INVOKE, "sns.amazonaws.com"))


def test_principals_as_add_permission_writes_them():
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaPermissions::test_add_lambda_permission_fields.
    assert principal("*", "aws") == "*"
    assert principal("123456789012", "aws") == {"AWS": "arn:aws:iam::123456789012:root"}
    assert principal("arn:aws:iam::123456789012:user/dev", "aws") == {"AWS": "arn:aws:iam::123456789012:user/dev"}
    assert principal("s3.amazonaws.com", "aws") == {"Service": "s3.amazonaws.com"}
    assert principal("alexa-appkit.amazon.com", "aws") == {"Service": "alexa-appkit.amazon.com"}
    assert principal("invalid.nonaws.com", "aws") is None
    assert principal("123456789012", "aws-cn") == {"AWS": "arn:aws-cn:iam::123456789012:root"}


@pytest.mark.parametrize("text", ["", "[]", "{}", '{"Statement": []}', '{"Statement": [{"Effect": "Allow"}]}',
                                  '{"Statement": [1]}', "[" * 5000 + "]" * 5000])
def test_documents_that_are_no_policy(text):
    assert Policy.parse(ARN, text) is None


def test_documents_written_through_boto3_are_evaluated(client, create_function):
    create_function()
    client.add_permission(FunctionName="f", StatementId="sns", Action=INVOKE, Principal="sns.amazonaws.com",
                          SourceArn=TOPIC, SourceAccount="123456789012")
    client.add_permission(FunctionName="f", StatementId="url", Action=URL, Principal="*", FunctionUrlAuthType="NONE")
    policy = Policy.parse(ARN, client.get_policy(FunctionName="f")["Policy"])
    assert policy is not None
    assert policy.allows(Request(INVOKE, "sns.amazonaws.com", source_arn=TOPIC, source_account="123456789012"))
    assert not policy.allows(Request(INVOKE, "sns.amazonaws.com", source_arn=TOPIC + "-2", source_account="123456789012"))
    assert not policy.allows(Request(INVOKE, "sns.amazonaws.com", source_arn=TOPIC))
    assert policy.allows(Request(URL, None, url_auth_type="NONE"))
    assert not policy.allows(Request(URL, None, url_auth_type="AWS_IAM"))


def test_statements_lambdamock_cannot_read_grant_nothing():
    # Without Resource, or written with NotAction: an Allow lambdamock does not apply errs on refusing.
    no_resource = Policy(ARN, ({"Effect": "Allow", "Principal": "*", "Action": INVOKE},))
    assert not no_resource.allows(Request(INVOKE, None))
    not_action = Policy(ARN, ({"Effect": "Allow", "Principal": "*", "NotAction": URL, "Resource": ARN},))
    assert not not_action.allows(Request(INVOKE, None))
    # A Condition whose operator maps to no key-value block, or that is no block at all.
    for condition in ({"StringEquals": "123456789012"}, ["StringEquals"]):
        odd = Policy(ARN, ({"Effect": "Allow", "Principal": "*", "Action": INVOKE, "Resource": ARN,
                            "Condition": condition},))
        assert not odd.allows(Request(INVOKE, None, source_account="123456789012"))


def test_a_changed_policy_decides_afresh():
    # Decisions are kept per policy; a change makes a new policy, which must not inherit them.
    policy = policy_of({"Sid": "open", "Principal": "*"})
    anyone = Request(INVOKE)
    assert policy.allows(anyone) and policy.allows(anyone)
    denied = policy.adding({"Sid": "shut", "Effect": "Deny", "Principal": "*", "Action": INVOKE, "Resource": ARN})
    assert not denied.allows(anyone)
    assert policy.allows(anyone)
    reopened = denied.removing("shut")
    assert reopened is not None and reopened.allows(anyone)
