"""A handler's environment through Invoke: its context and variables, warm globals, its own modules, its calls out."""

from __future__ import annotations

import os
import sys

import boto3

from lambdamock import mock_lambda
from tests.helpers import moto_aws
from tests.invoke_helpers import ECHO, call, deploy

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.invoke_helpers import client as client
from tests.invoke_helpers import mock as mock


def test_context_and_environment(client):
    source = (
        "import os\n"
        "def handler(e, c):\n"
        "    return {'name': c.function_name, 'version': c.function_version, 'memory': c.memory_limit_in_mb,\n"
        "            'arn': c.invoked_function_arn, 'left': c.get_remaining_time_in_millis(),\n"
        "            'mine': os.environ['MINE'], 'fn': os.getenv('AWS_LAMBDA_FUNCTION_NAME'),\n"
        "            'region': os.environ['AWS_REGION']}\n"
    )
    deploy(client, "ctx", {"app.py": source}, Environment={"Variables": {"MINE": "yes"}}, Timeout=7)
    body = call(client, "ctx")["Body"]
    assert body["name"] == body["fn"] == "ctx"
    assert (body["version"], body["memory"], body["mine"], body["region"]) == ("$LATEST", "128", "yes", "us-east-1")
    assert body["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:ctx"
    assert 0 < body["left"] <= 7000
    assert "MINE" not in os.environ and "AWS_LAMBDA_FUNCTION_NAME" not in os.environ


def test_warm_invocations_keep_globals(client, mock):
    deploy(client, "count", {"app.py": "n = 0\ndef handler(e, c):\n    global n\n    n += 1\n    return n\n"})
    assert [call(client, "count")["Body"] for _ in range(3)] == [1, 2, 3]
    assert [r.cold for r in mock.invocations] == [True, False, False]


def test_code_change_retires_environments(client):
    deploy(client, "count", {"app.py": "n = 0\ndef handler(e, c):\n    global n\n    n += 1\n    return n\n"})
    assert call(client, "count")["Body"] == 1
    client.update_function_configuration(FunctionName="count", Description="new")
    assert call(client, "count")["Body"] == 1


def test_two_functions_with_the_same_module_names_run_their_own_code(client):
    for name in ("a", "b"):
        deploy(client, name, {"app.py": "import helper\ndef handler(e, c):\n    return helper.NAME\n",
                              "helper.py": f"NAME = '{name}'\n"})
    assert call(client, "a")["Body"] == "a"
    assert call(client, "b")["Body"] == "b"


def test_handler_in_a_subdirectory(client):
    deploy(client, "deep", {"src/pkg/app.py": ECHO}, handler="src/pkg/app.handler")
    assert call(client, "deep", {"k": 1})["Body"] == {"k": 1}


def test_process_is_left_as_it_was():
    modules, path, environ = set(sys.modules), list(sys.path), dict(os.environ)
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        deploy(client, "app", {"app.py": "import helper\nimport os\nos.environ['X'] = '1'\ndef handler(e, c):\n    return 1\n",
                               "helper.py": ""})
        call(client, "app")
    assert set(sys.modules) - modules <= {m for m in sys.modules if m.startswith(("lambdamock", "tests"))}
    assert sys.path == path
    assert dict(os.environ) == environ


def test_handler_invoking_another_function_to_any_depth(client):
    source = (
        "import boto3, json\n"
        "def handler(e, c):\n"
        "    if e['depth'] == 0:\n"
        "        return 'bottom'\n"
        "    lam = boto3.client('lambda', region_name='us-east-1')\n"
        "    out = lam.invoke(FunctionName='rec', Payload=json.dumps({'depth': e['depth'] - 1}))\n"
        "    return json.loads(out['Payload'].read())\n"
    )
    deploy(client, "rec", {"app.py": source}, Timeout=30)
    assert call(client, "rec", {"depth": 4})["Body"] == "bottom"


def test_handler_using_s3_served_by_moto():

    source = (
        "import boto3\n"
        "def handler(e, c):\n"
        "    boto3.client('s3', region_name='us-east-1').put_object(Bucket='out-bucket', Key='k', Body=b'done')\n"
    )
    with moto_aws(), mock_lambda():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="out-bucket")
        client = boto3.client("lambda", region_name="us-east-1")
        deploy(client, "writer", {"app.py": source})
        assert "FunctionError" not in call(client, "writer")
        body = boto3.client("s3", region_name="us-east-1").get_object(Bucket="out-bucket", Key="k")["Body"].read()
        assert body == b"done"
