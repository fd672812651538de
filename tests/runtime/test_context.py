"""The context object: Python runtime field names, types and the remaining-time countdown."""

from __future__ import annotations

import json

from lambdamock.runtime import Runtime
from tests.runtime.conftest import handler_source, invoke, make_spec

FIELDS = handler_source(
    "c = context\n"
    "cc = c.client_context\n"
    "return {\n"
    "    'function_name': c.function_name, 'function_version': c.function_version,\n"
    "    'invoked_function_arn': c.invoked_function_arn, 'memory_limit_in_mb': c.memory_limit_in_mb,\n"
    "    'aws_request_id': c.aws_request_id, 'log_group_name': c.log_group_name,\n"
    "    'log_stream_name': c.log_stream_name,\n"
    "    'identity': [c.identity.cognito_identity_id, c.identity.cognito_identity_pool_id],\n"
    "    'client_context': None if cc is None else {\n"
    "        'installation_id': cc.client.installation_id, 'app_title': cc.client.app_title,\n"
    "        'app_version_name': cc.client.app_version_name, 'app_version_code': cc.client.app_version_code,\n"
    "        'app_package_name': cc.client.app_package_name, 'custom': cc.custom, 'env': cc.env},\n"
    "    'remaining': c.get_remaining_time_in_millis(),\n"
    "}"
)


def test_context_fields(runtime: Runtime) -> None:
    spec = make_spec(FIELDS, name="ctxfn", version="3", memory_size=512, timeout=7)
    alias_arn = spec.function_arn + ":live"
    result = invoke(runtime, spec, request_id="rid-1", invoked_function_arn=alias_arn)
    ctx = json.loads(result.payload)
    assert ctx["function_name"] == "ctxfn"
    assert ctx["function_version"] == "3"
    assert ctx["invoked_function_arn"] == alias_arn
    assert ctx["memory_limit_in_mb"] == "512"
    assert ctx["aws_request_id"] == "rid-1"
    assert ctx["log_group_name"] == "/aws/lambda/ctxfn"
    date, stream = ctx["log_stream_name"].rsplit("/", 1)
    assert len(date.split("/")) == 3 and stream.startswith("[3]") and len(stream) == len("[3]") + 32
    int(stream[3:], 16)
    assert ctx["identity"] == [None, None]
    assert ctx["client_context"] is None
    assert 6000 < ctx["remaining"] <= 7000


def test_log_stream_is_per_environment(runtime: Runtime) -> None:
    spec = make_spec(FIELDS)
    first = json.loads(invoke(runtime, spec).payload)["log_stream_name"]
    assert json.loads(invoke(runtime, spec).payload)["log_stream_name"] == first


def test_client_context(runtime: Runtime) -> None:
    spec = make_spec(FIELDS)
    client_context = {
        "client": {
            "installation_id": "inst",
            "app_title": "title",
            "app_version_name": "1.0",
            "app_version_code": "10",
            "app_package_name": "com.example",
        },
        "custom": {"k": "v"},
        "env": {"platform": "android"},
    }
    ctx = json.loads(invoke(runtime, spec, client_context=client_context).payload)["client_context"]
    assert ctx == {**client_context["client"], "custom": {"k": "v"}, "env": {"platform": "android"}}


def test_an_empty_client_context_is_still_an_object(runtime: Runtime) -> None:
    # awslambdaric's lambda_context.py: make_obj_from_dict gives None only for a missing dict, so an empty one is an
    # object of None fields, and a context without "client" has client None.
    spec = make_spec(handler_source("cc = context.client_context\nreturn [cc.custom, cc.env, cc.client]"))
    assert json.loads(invoke(runtime, spec, client_context={}).payload) == [None, None, None]


def test_empty_client_custom_and_env_objects_stay_objects(runtime: Runtime) -> None:
    # awslambdaric's lambda_context.py: each field is the ClientContext's own value (dict.get), and the client is
    # make_obj_from_dict(Client, client), None only when it is missing: an empty one is a Client of None fields.
    spec = make_spec(handler_source("cc = context.client_context\nreturn [repr(cc.client), cc.custom, cc.env]"))
    assert json.loads(invoke(runtime, spec, client_context={"client": {}, "custom": {}, "env": {}}).payload) == [
        "Client([installation_id=None,app_title=None,app_version_name=None,app_version_code=None,"
        "app_package_name=None])",
        {},
        {},
    ]


def test_the_context_reads_as_the_runtime_shows_it(runtime: Runtime) -> None:
    # awslambdaric's lambda_context.py: each object's __repr__, its fields in this order.
    spec = make_spec(handler_source("return repr(context)"), name="f", memory_size=256)
    shown = json.loads(invoke(runtime, spec, request_id="rid", client_context={"custom": {"k": "v"},
                                                                               "client": {"app_title": "t"}}).payload)
    stream = shown.split("log_stream_name=", 1)[1].split(",", 1)[0]
    assert shown == (
        f"LambdaContext([aws_request_id=rid,log_group_name=/aws/lambda/f,log_stream_name={stream},function_name=f,"
        f"memory_limit_in_mb=256,function_version=$LATEST,invoked_function_arn={spec.function_arn},"
        "client_context=ClientContext([custom={'k': 'v'},env=None,client=Client([installation_id=None,app_title=t,"
        "app_version_name=None,app_version_code=None,app_package_name=None])]),"
        "identity=CognitoIdentity([cognito_identity_id=None,cognito_identity_pool_id=None]),tenant_id=None])"
    )


def test_remaining_time_counts_down_and_clamps_at_zero(runtime: Runtime) -> None:
    spec = make_spec(
        handler_source(
            "first = context.get_remaining_time_in_millis()\n"
            "time.sleep(0.05)\n"
            "second = context.get_remaining_time_in_millis()\n"
            "context._deadline -= 10\n"
            "return [first, second, context.get_remaining_time_in_millis()]",
            prelude="import time",
        ),
        timeout=2,
    )
    first, second, clamped = json.loads(invoke(runtime, spec).payload)
    assert 1900 < first <= 2000
    assert 40 <= first - second < 1000
    assert clamped == 0
