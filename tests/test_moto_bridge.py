"""Edges of the bridge between moto's services and lambdamock's functions (lambdamock._moto_events, _moto_lookups,
_moto_resources) that the service-by-service trigger tests leave open."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.trigger_helpers import REGION, World

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.trigger_helpers import world as world


def test_put_events_with_more_than_ten_entries_is_refused_whole_trace_headers_or_not(world: World) -> None:
    # PutEvents takes 1 to 10 entries (its API reference, Entries: "Maximum number of 10 items"; botocore's
    # PutEventsRequestEntryList, max 10): eleven are refused, one with a TraceHeader among them, and none is put.
    events = boto3.client("events", region_name=REGION)
    arn = events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"]}))["RuleArn"]
    events.put_targets(Rule="orders", Targets=[{"Id": "f", "Arn": world.arn}])
    world.allow("events.amazonaws.com", arn)
    entries = [{"Source": "shop", "DetailType": "Order placed", "Detail": json.dumps({"order": number})}
               for number in range(11)]
    entries[0]["TraceHeader"] = "Root=1-67f4141f-aaaaaaaaaaaaaaaaaaaaaaaa;Parent=d0ee9531727135a0;Sampled=1"
    with pytest.raises(ClientError) as refused:
        events.put_events(Entries=entries)
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert world.events() == []


def test_moto_s_eventbridge_events_for_s3_api_calls_reach_their_region_s_default_bus_alone(world: World) -> None:
    # AWS services send their events to the default event bus of their own account and Region (EventBridge's
    # "Events from AWS services"); moto hands its CreateBucket event to matching rules on every bus of every region.
    pattern = json.dumps({"source": ["aws.s3"], "detail": {"eventName": ["CreateBucket"]}})
    other_region = "eu-west-1" if REGION != "eu-west-1" else "eu-west-2"
    elsewhere, here = boto3.client("events", region_name=other_region), boto3.client("events", region_name=REGION)
    here.create_event_bus(Name="custom")
    for client, bus in ((elsewhere, "default"), (here, "custom"), (here, "default")):
        client.put_rule(Name=f"created-{bus}", EventBusName=bus, EventPattern=pattern)
        client.put_targets(Rule=f"created-{bus}", EventBusName=bus, Targets=[{"Id": "f", "Arn": world.arn}])
    world.lam.add_permission(FunctionName="f", StatementId="events", Action="lambda:InvokeFunction",
                             Principal="events.amazonaws.com")  # any rule's
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="mine")
    [event] = world.events()
    assert (event["source"], event["region"]) == ("aws.s3", REGION)
    assert [trigger.source_arn.rsplit(":", 1)[-1] for trigger in world.mock.triggers] == ["rule/created-default"]


def test_a_process_whose_moto_never_loaded_its_iam_or_ec2_has_no_role_and_no_subnet(tmp_path: Path) -> None:
    # moto loads a service's backend when it is first used: with mock_aws active but moto's IAM never loaded, a role
    # is one moto does not hold (refused as test_neighbours' role moto does not hold); with its EC2 never loaded, a
    # subnet is one moto does not know (the stable stand-in VPC of test_neighbours).
    script = textwrap.dedent("""
        import json, sys, boto3
        from moto import mock_aws
        from lambdamock import mock_lambda, package
        code = {"ZipFile": package({"app.py": "def handler(e, c):\\n    return e\\n"})}
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]})
        with mock_aws(), mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            try:
                client.create_function(FunctionName="f", Runtime="python3.12", Handler="app.handler", Code=code,
                                       Role="arn:aws:iam::123456789012:role/any")
            except client.exceptions.InvalidParameterValueException:
                print("refused", "moto.iam.models" in sys.modules)
            role = boto3.client("iam", region_name="us-east-1").create_role(
                RoleName="fn", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
            made = client.create_function(FunctionName="f", Runtime="python3.12", Handler="app.handler", Code=code,
                                          Role=role, VpcConfig={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]})
            print(made["VpcConfig"]["VpcId"].startswith("vpc-"), "moto.ec2.models" in sys.modules)
    """)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": ":".join(sys.path),
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["refused", "False", "True", "False"]
