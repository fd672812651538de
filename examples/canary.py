"""Canary release: shift traffic to a new version through a weighted alias, and see which version served."""

import collections
import json

import boto3

from lambdamock import mock_lambda, package

ROLE = "arn:aws:iam::123456789012:role/canary"


def replying(reply: str) -> bytes:
    return package({"app.py": f"def handler(event, context):\n    return {{'reply': {reply!r}}}\n"})


with mock_lambda(seed=2024) as mock:
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(
        FunctionName="checkout", Runtime="python3.12", Role=ROLE, Handler="app.handler", Code={"ZipFile": replying("v1")}
    )
    stable = client.publish_version(FunctionName="checkout")["Version"]
    client.update_function_code(FunctionName="checkout", ZipFile=replying("v2"))
    candidate = client.publish_version(FunctionName="checkout")["Version"]
    client.create_alias(FunctionName="checkout", Name="live", FunctionVersion=stable)

    steps = [
        ("5% to the candidate", {"RoutingConfig": {"AdditionalVersionWeights": {candidate: 0.05}}}),
        ("half and half", {"RoutingConfig": {"AdditionalVersionWeights": {candidate: 0.5}}}),
        ("candidate promoted", {"FunctionVersion": candidate, "RoutingConfig": {"AdditionalVersionWeights": {}}}),
    ]
    for label, change in steps:
        client.update_alias(FunctionName="checkout", Name="live", **change)
        replies = collections.Counter(
            json.loads(client.invoke(FunctionName="checkout:live")["Payload"].read())["reply"] for _ in range(200)
        )
        print(f"{label:<20} {dict(sorted(replies.items()))}")

    served = collections.Counter(record.executed_version for record in mock.invocations)
    print(f"versions that served all {len(mock.invocations)} calls: {dict(sorted(served.items()))}")
