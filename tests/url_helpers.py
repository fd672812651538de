"""Calling function URLs over real HTTP from tests: a proxy-free urllib, and functions with public URLs."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from email.message import Message
from typing import Any, Mapping, NamedTuple, Optional

from botocore.client import BaseClient

from lambdamock import LambdaMock, package

# Never through a proxy: the loopback server is called directly (the escapes fixture sets *_PROXY).
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Recorded: LocalStack test_lambda.snapshot.json, TestLambdaPermissions::test_lambda_permission_url_invocation.
FORBIDDEN = {"Message": "Forbidden. For troubleshooting Function URL authorization issues, see: "
                        "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}
ECHO = "def handler(event, context):\n    return {'statusCode': 200, 'body': __import__('json').dumps(event)}\n"


class Answer(NamedTuple):
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(url: str, body: Optional[bytes] = None, headers: Optional[Mapping[str, str]] = None,
          method: Optional[str] = None) -> Answer:
    """One request; an error status is an answer like any other."""
    request = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)
    try:
        with OPENER.open(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read())


def public(client: BaseClient, mock: LambdaMock, source: str = ECHO, name: str = "f", **url: Any) -> str:
    """A function running ``source`` (app.handler) with an AuthType NONE URL anyone may call; its loopback URL."""
    client.create_function(FunctionName=name, Runtime="python3.12", Role="arn:aws:iam::123456789012:role/r",
                           Handler="app.handler", Code={"ZipFile": package({"app.py": source})})
    client.create_function_url_config(FunctionName=name, AuthType="NONE", **url)
    # Recorded: every TestLambdaURL test grants it so (test_lambda.snapshot.json, "add_permission").
    client.add_permission(FunctionName=name, StatementId="urlPermission", Action="lambda:InvokeFunctionUrl",
                          Principal="*", FunctionUrlAuthType="NONE")
    return mock.function_url(name)
