"""While moto mocks AWS, each execution environment gets a session of the function's execution role, as on Lambda.

AWS: the runtime's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN are "the access keys obtained
from the function's execution role" (the developer guide's defined runtime environment variables); the session
is named after the function, with "@lambda_function" after a one-character name (recorded: LocalStack
test_lambda.snapshot.json, TestLambdaBaseFeatures::test_assume_role).
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest

from lambdamock import package
from tests.helpers import ROLE, moto_aws, moto_role, wait_until

pytest.importorskip("moto")

WHO = """
import os, boto3
sts = boto3.client("sts", region_name="us-east-1")  # made during init, as handlers' clients often are

def handler(event, context):
    given = boto3.Session(aws_access_key_id="AKIAGIVENBYTHECODE00", aws_secret_access_key="s")
    return {"role": sts.get_caller_identity()["Arn"], "key": os.environ["AWS_ACCESS_KEY_ID"],
            "token": os.environ["AWS_SESSION_TOKEN"],
            "given": given.client("sts", region_name="us-east-1").get_caller_identity()["Arn"]}
"""


def create(client: Any, source: str, name: str = "f", **options: Any) -> None:
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})}, **options)


def answer(client: Any, name: str = "f", **options: Any) -> Any:
    return json.loads(client.invoke(FunctionName=name, **options)["Payload"].read())


# A two-character name is a session name of its own (STS AssumeRole RoleSessionName: botocore roleSessionNameType, min 2).
@pytest.mark.parametrize("name, session", [("orders", "orders"), ("ab", "ab"), ("u", "u@lambda_function")])
def test_a_handler_acts_as_a_session_of_its_role(lambda_mock: Any, name: str, session: str) -> None:
    with moto_aws():
        client = boto3.client("lambda", region_name="us-east-1")
        # The test process's own boto3 has its credentials already: the handler's are its role's all the same.
        outside = boto3.client("sts", region_name="us-east-1").get_caller_identity()["Arn"]
        create(client, WHO, name)
        seen = answer(client, name)
    assert seen["role"] == f"arn:aws:sts::123456789012:assumed-role/{ROLE.rsplit('/', 1)[1]}/{session}"
    assert seen["key"].startswith("ASIA") and seen["token"]
    assert seen["given"] == outside == "arn:aws:sts::123456789012:user/moto"  # keys given to a session are its own
    assert "AWS_SESSION_TOKEN" not in os.environ or os.environ["AWS_SESSION_TOKEN"] != seen["token"]


def test_each_environment_has_a_session_of_its_own(lambda_mock: Any) -> None:
    source = "import os\ndef handler(event, context):\n    return os.environ['AWS_ACCESS_KEY_ID']\n"
    with moto_aws():
        client = boto3.client("lambda", region_name="us-east-1")
        create(client, source)
        first = client.invoke(FunctionName="f")["Payload"].read()
        assert client.invoke(FunctionName="f")["Payload"].read() == first  # warm: the same environment
        client.update_function_configuration(FunctionName="f", Timeout=9)
        assert client.invoke(FunctionName="f")["Payload"].read() != first


def test_without_moto_the_test_process_credentials_apply(lambda_mock: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTPROCESS00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    source = "import os\ndef handler(event, context):\n    return [os.environ.get(n) for n in " \
             "('AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN')]\n"
    client = boto3.client("lambda", region_name="us-east-1")
    create(client, source)
    assert answer(client) == [
        "AKIATESTPROCESS00000", os.environ.get("AWS_SESSION_TOKEN")]


KEYS = "import os\ndef handler(event, context):\n    return os.environ.get('AWS_ACCESS_KEY_ID')\n"


def test_an_environment_keeps_its_keys_for_life_and_a_new_moto_gets_new_environments(lambda_mock: Any,
                                                                                      monkeypatch: Any) -> None:
    # Found in review: keys of a moto since stopped stayed, unknown to the next one (refused under its IAM
    # simulation), and after moto, where the test process's credentials apply; renewing the variables alone left
    # clients made during init with the old keys. An environment's keys are its own for life, as on AWS: one
    # whose keys are no longer good is not reused.
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    source = ("import os, boto3\n"
              "made = boto3.client('sts', region_name='us-east-1')._request_signer._credentials\n"
              "def handler(event, context):\n"
              "    return [os.environ.get('AWS_ACCESS_KEY_ID'), made and made.access_key]\n")
    client = boto3.client("lambda", region_name="us-east-1")
    with moto_aws():
        create(client, source)
        first, made = answer(client)
        assert made == first and first.startswith("ASIA")
        assert answer(client) == [first, first]  # warm, kept
    with moto_aws():
        second, made = answer(client)
        assert made == second and second.startswith("ASIA") and second != first
    after = answer(client)
    assert after[0] is None


def test_keys_a_session_has_from_elsewhere_are_kept(lambda_mock: Any, tmp_path: Any, monkeypatch: Any) -> None:
    # Found in review: a named profile (botocore then skips the variables), a session given keys and a provider the
    # handler put first in a session's chain keep theirs.
    shared = tmp_path / "credentials"
    shared.write_text("[other]\naws_access_key_id = AKIAPROFILEKEY000000\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(shared))
    source = ("import boto3, botocore.credentials as found\n"
              "class Mine(found.CredentialProvider):\n"
              "    METHOD = 'mine'\n"
              "    def load(self):\n"
              "        return found.Credentials('AKIAMINE000000000000', 's', method=self.METHOD)\n"
              "def handler(event, context):\n"
              "    given = boto3.Session(aws_access_key_id='AKIAGIVEN00000000000', aws_secret_access_key='s')\n"
              "    mine = boto3.Session()\n"
              "    mine._session.get_component('credential_provider').insert_before('env', Mine())\n"
              "    return [boto3.Session(profile_name='other').get_credentials().access_key,\n"
              "            given.get_credentials().access_key, mine.get_credentials().access_key,\n"
              "            boto3.Session().get_credentials().access_key]\n")
    with moto_aws():
        client = boto3.client("lambda", region_name="us-east-1")
        create(client, source)
        profile, given, mine, default = answer(client)
    assert (profile, given, mine, default[:4]) == (
        "AKIAPROFILEKEY000000", "AKIAGIVEN00000000000", "AKIAMINE000000000000", "ASIA")


def test_lambdamocks_own_clients_never_take_a_functions_keys(lambda_mock: Any) -> None:
    # Found in review: lambdamock's S3 client for code, first made by a handler's CreateFunction, kept the
    # handler's role keys for every later call of the mock.
    source = ("import boto3\n"
              "def handler(event, context):\n"
              "    boto3.client('lambda', region_name='us-east-1').create_function(FunctionName='child',\n"
              f"        Runtime='python3.12', Role='{ROLE}', Handler='app.handler',\n"
              "        Code={'S3Bucket': 'code', 'S3Key': 'app.zip'})\n")
    with moto_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="code")
        s3.put_object(Bucket="code", Key="app.zip", Body=package({"app.py": KEYS}))
        client = boto3.client("lambda", region_name="us-east-1")
        create(client, source, "parent")
        assert "FunctionError" not in client.invoke(FunctionName="parent")
        own = lambda_mock.state.outbound.client("s3", "us-east-1")._request_signer._credentials
        assert own.access_key == os.environ["AWS_ACCESS_KEY_ID"]  # moto's stand-in, the test process's


def test_snapstart_environments_get_no_keys(lambda_mock: Any) -> None:
    # On AWS they get credentials from a container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, the SnapStart
    # guide), which lambdamock does not serve: the test process's credentials apply.
    with moto_aws():
        client = boto3.client("lambda", region_name="us-east-1")
        create(client, KEYS, SnapStart={"ApplyOn": "PublishedVersions"})
        version = client.publish_version(FunctionName="f")["Version"]
        client.get_waiter("function_active_v2").wait(FunctionName="f", Qualifier=version)
        keys = answer(client, Qualifier=version)
        assert keys == os.environ["AWS_ACCESS_KEY_ID"]


def test_a_default_session_that_read_a_credentials_file_signs_as_the_role(lambda_mock: Any, tmp_path: Any,
                                                                          monkeypatch: Any) -> None:
    # Found in review: on Lambda the variables come first in the chain, before any file a session read.
    from moto import mock_aws

    shared = tmp_path / "credentials"
    shared.write_text("[default]\naws_access_key_id = AKIADEVELOPERKEY0000\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(shared))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    source = "import boto3\ndef handler(event, context):\n    return boto3.DEFAULT_SESSION.get_credentials().access_key\n"
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # the test process's, restored after
    with mock_aws(config={"core": {"mock_credentials": False}}):
        moto_role()
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION.get_credentials().access_key == "AKIADEVELOPERKEY0000"
        client = boto3.client("lambda", region_name="us-east-1")
        create(client, source)
        assert answer(client).startswith("ASIA")


def test_lambdamocks_own_calls_never_take_a_functions_endpoints(lambda_mock: Any) -> None:
    # Found in review: code from S3 fetched for a handler's CreateFunction read the function's
    # AWS_ENDPOINT_URL_S3 and skipped the bucket's region check.
    text = ("Error occurred while GetObject. S3 Error Code: PermanentRedirect. S3 Error Message: The bucket is in "
            "this region: us-east-2. Please use this region to retry the request")
    source = ("import boto3\n"
              "def handler(event, context):\n"
              "    try:\n"
              "        boto3.client('lambda', region_name='us-east-1').create_function(FunctionName='child',\n"
              f"            Runtime='python3.12', Role='{ROLE}', Handler='app.handler',\n"
              "            Code={'S3Bucket': 'code-east-2', 'S3Key': 'app.zip'})\n"
              "    except Exception as error:\n"
              "        return str(error)\n")
    with moto_aws():
        s3 = boto3.client("s3", region_name="us-east-2")
        s3.create_bucket(Bucket="code-east-2", CreateBucketConfiguration={"LocationConstraint": "us-east-2"})
        s3.put_object(Bucket="code-east-2", Key="app.zip", Body=package({"app.py": KEYS}))
        client = boto3.client("lambda", region_name="us-east-1")
        create(client, source, "parent", Environment={"Variables": {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"}})
        assert answer(client, "parent").endswith(text)


def test_a_provisioned_environment_with_keys_no_longer_good_is_replaced_by_a_provisioned_one(lambda_mock: Any) -> None:
    # Found in review: retired for its keys, it left the version's provisioned concurrency to on-demand ones.
    source = ("import os\ndef handler(event, context):\n"
              "    return [os.environ['AWS_LAMBDA_INITIALIZATION_TYPE'], os.environ.get('AWS_ACCESS_KEY_ID')]\n")
    client = boto3.client("lambda", region_name="us-east-1")
    with moto_aws():
        create(client, source, Publish=True)
        client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=1)
        wait_until(lambda: client.get_provisioned_concurrency_config(
            FunctionName="f", Qualifier="1")["Status"] == "READY")
        kind, first = answer(client, Qualifier="1")
    with moto_aws():
        answers = [answer(client, Qualifier="1") for _ in range(3)]
    assert kind == "provisioned-concurrency" and first.startswith("ASIA")
    assert answers[0][1] != first and answers == [["provisioned-concurrency", answers[0][1]]] * 3



def test_a_function_with_another_account_s_role_gets_no_keys(lambda_mock: Any) -> None:
    # Made while moto was not mocking AWS (any role is taken then, test_neighbours), its role is of an account the
    # active moto's STS cannot hand a session of (AWS refuses such a role: "Cross-account pass role is not
    # allowed."): the test process's credentials apply, as for SnapStart.
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role="arn:aws:iam::210987654321:role/elsewhere",
                           Handler="app.handler", Code={"ZipFile": package({"app.py": KEYS})})
    with moto_aws():
        assert answer(client) == os.environ["AWS_ACCESS_KEY_ID"]
