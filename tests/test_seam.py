"""The botocore seam: which requests lambdamock takes, and what it leaves as it found it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import boto3
import botocore.credentials
import botocore.endpoint
import botocore.session
import botocore.signers
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, moto_role

ORIGINAL_DO_GET_RESPONSE = botocore.endpoint.Endpoint.__dict__["_do_get_response"]
ORIGINAL_SIGN = botocore.signers.RequestSigner.__dict__["sign"]
ORIGINAL_SESSION = {name: vars(botocore.session.Session)[name] for name in ("create_client", "get_credentials")}


def create(client, name: str = "f") -> None:
    client.create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return e\n"})},
    )


def test_client_created_before_start_is_mocked():
    client = boto3.client("lambda", region_name="us-east-1")
    with mock_lambda():
        create(client)
        assert client.get_function(FunctionName="f")["Configuration"]["FunctionName"] == "f"


def test_endpoint_url_override_is_mocked():
    client = boto3.client("lambda", region_name="us-east-1", endpoint_url="http://localhost:1")
    with mock_lambda():
        create(client)
        assert [f["FunctionName"] for f in client.list_functions()["Functions"]] == ["f"]


@pytest.mark.parametrize("lambdamock_first", [True, False], ids=["lambdamock-outer", "moto-outer"])
def test_with_moto_lambda_goes_to_lambdamock_and_the_rest_to_moto(lambdamock_first):
    outer, inner = (mock_lambda(), mock_aws()) if lambdamock_first else (mock_aws(), mock_lambda())
    with outer, inner:
        moto_role()
        lam = boto3.client("lambda", region_name="us-east-1")
        create(lam)
        # moto's Lambda would list nothing: it never saw the function.
        assert lam.list_functions()["Functions"][0]["FunctionName"] == "f"
        # Only lambdamock runs a handler without Docker.
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="code-bucket")
        s3.put_object(Bucket="code-bucket", Key="k", Body=b"x")
        assert s3.get_object(Bucket="code-bucket", Key="k")["Body"].read() == b"x"
        sqs = boto3.client("sqs", region_name="us-east-1")
        assert sqs.create_queue(QueueName="q")["QueueUrl"].endswith("/q")
        iam = boto3.client("iam", region_name="us-east-1")
        assert iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["RoleName"] == "r"


def test_before_send_handlers_see_lambda_requests_and_moto_leaves_them_alone():
    # botocore shows a request to every before-send handler; lambdamock's answer comes first, and moto's
    # handler lets the request pass untouched (it would otherwise create the function in moto's Lambda too).
    seen = []
    with mock_aws():
        moto_role()
        lam = boto3.client("lambda", region_name="us-east-1")

        def hook(request, **_):
            seen.append(request.url)
            return AWSResponse(request.url, 500, {}, None)  # an answer of its own, which gives way

        lam.meta.events.register("before-send.lambda.*", hook)
        with mock_lambda():
            create(lam)
            assert lam.invoke(FunctionName="f", Payload=b'{"a": 1}')["Payload"].read() == b'{"a": 1}'
        assert [url.rsplit("/", 2)[-1] for url in seen] == ["functions", "invocations"]
        lam.meta.events.unregister("before-send.lambda.*", hook)
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_function(FunctionName="f")  # moto's Lambda never saw it


def signing_seen(client) -> list:
    """What a before-sign and a before-send handler see of one ListFunctions call."""
    seen: list = []

    def before_sign(request, signature_version, **_):
        seen.append(("before-sign", signature_version))
        request.headers["X-Custom"] = "1"

    def before_send(request, **_):
        seen.append(("before-send", "Authorization" in request.headers, request.headers.get("X-Custom")))

    client.meta.events.register("before-sign.lambda.ListFunctions", before_sign)
    client.meta.events.register("before-send.lambda.ListFunctions", before_send)
    assert client.list_functions()["Functions"] == []
    return seen


def test_a_client_with_fixed_credentials_signs_lambda_requests_as_botocore_does():
    # botocore signs every request, with before-sign handlers first; instrumentation hooks there.
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        assert signing_seen(client) == [("before-sign", "v4"), ("before-send", True, b"1")]


@pytest.mark.parametrize("made_before_start", [False, True], ids=["client made while active", "made before start"])
def test_credentials_that_would_be_looked_up_or_refreshed_are_left_alone(made_before_start):
    # An expired refreshable identity (a profile's SSO or role, instance metadata) would be refreshed, perhaps
    # over the network, to sign: the request is answered unsigned and the refresh never happens. A client made
    # before start holds that identity already (one made while active never looks it up).
    refreshed = []

    class Provider(botocore.credentials.CredentialProvider):
        METHOD = "test"

        def load(self):
            return botocore.credentials.RefreshableCredentials.create_from_metadata(
                {"access_key": "a", "secret_key": "b", "token": "c", "expiry_time": "2000-01-01T00:00:00Z"},
                refresh_using=lambda: refreshed.append(1) or {}, method=self.METHOD)

    session = botocore.session.Session()
    session.get_component("credential_provider").insert_before("env", Provider())
    def make():
        return boto3.Session(botocore_session=session).client("lambda", region_name="us-east-1")

    made = make() if made_before_start else None
    with mock_lambda():
        client = made or make()
        assert signing_seen(client) == [("before-send", False, None)]
    assert refreshed == []


def key_signed_with(client, call) -> str:
    """The access key the Authorization header of ``call(client)`` names; an S3 request is answered empty here."""
    seen = []

    class Listed:
        def stream(self, **_):
            yield b"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>"

    def before_send(request, **_):
        seen.append(request.headers["Authorization"])
        if client.meta.service_model.service_name == "s3":
            return AWSResponse(request.url, 200, {}, Listed())
        return None

    client.meta.events.register("before-send", before_send)
    call(client)
    header = seen[0].decode() if isinstance(seen[0], bytes) else seen[0]
    return header.split("Credential=", 1)[1].split("/", 1)[0]


@pytest.mark.parametrize("where", ["variables", "credentials", "config", "session"])
def test_a_lambda_client_made_while_active_signs_with_the_keys_at_hand_and_no_others(where, monkeypatch, tmp_path):
    # docs/fail-closed.md: while a mock is active, a Lambda client gets only the keys that environment variables
    # and shared files hold; keys given to its session are its own.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    key = f"KEYFROM{where.upper()}"
    if where in ("credentials", "config"):
        (tmp_path / where).write_text(f"[default]\naws_access_key_id = {key}\naws_secret_access_key = s\n")
    else:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "KEYFROMVARIABLES")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    session = boto3.Session(aws_access_key_id=key, aws_secret_access_key="s") if where == "session" else boto3.Session()
    with mock_lambda():
        client = session.client("lambda", region_name="us-east-1")
        assert key_signed_with(client, lambda lam: lam.list_functions()) == key


def test_a_sessions_other_clients_look_their_credentials_up_as_botocore_does(monkeypatch):
    # docs/fail-closed.md: a Lambda client gets only the keys variables and files hold, "and nothing is kept for the
    # session's other clients": they ask the session's whole chain, a provider of its own included.
    class Provider(botocore.credentials.CredentialProvider):
        METHOD = "test"

        def load(self):
            return botocore.credentials.Credentials("KEYFROMPROVIDER", "s", method=self.METHOD)

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "KEYFROMVARIABLES")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    sessions = [botocore.session.Session(), botocore.session.Session()]
    for session in sessions:
        session.get_component("credential_provider").insert_before("env", Provider())
    with mock_lambda():
        lam = sessions[0].create_client("lambda", region_name="us-east-1")
        assert sessions[0].get_credentials().access_key == "KEYFROMPROVIDER"
        s3 = sessions[1].create_client("s3", region_name="us-east-1")
        assert key_signed_with(lam, lambda client: client.list_functions()) == "KEYFROMVARIABLES"
        assert key_signed_with(s3, lambda client: client.list_buckets()) == "KEYFROMPROVIDER"


def test_other_services_pass_through_untouched():
    seen = []

    class Raw:
        def stream(self, **_):
            yield b"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>"

    def answer(request, **_):
        seen.append(request)
        return AWSResponse(request.url, 200, {}, Raw())

    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    s3.meta.events.register("before-send.s3", answer)
    with mock_lambda():
        s3.list_buckets()
    assert len(seen) == 1
    assert seen[0].url.startswith("https://s3.amazonaws.com/")


def test_last_stop_restores_the_original_attributes():
    outer = mock_lambda().start()
    inner = mock_lambda().start()
    assert botocore.endpoint.Endpoint.__dict__["_do_get_response"] is not ORIGINAL_DO_GET_RESPONSE
    inner.stop()
    assert botocore.endpoint.Endpoint.__dict__["_do_get_response"] is not ORIGINAL_DO_GET_RESPONSE
    outer.stop()
    assert botocore.endpoint.Endpoint.__dict__["_do_get_response"] is ORIGINAL_DO_GET_RESPONSE
    assert botocore.signers.RequestSigner.__dict__["sign"] is ORIGINAL_SIGN
    assert {name: vars(botocore.session.Session)[name] for name in ORIGINAL_SESSION} == ORIGINAL_SESSION


def test_private_botocore_names_we_patch_exist():
    # Pinned: a botocore release that renames these breaks the seam loudly here.
    import inspect

    assert list(inspect.signature(ORIGINAL_DO_GET_RESPONSE).parameters) == [
        "self", "request", "operation_model", "context"
    ]
    endpoint = boto3.client("lambda", region_name="us-east-1")._endpoint
    assert hasattr(endpoint, "_event_emitter")
    assert list(inspect.signature(ORIGINAL_SIGN).parameters)[:5] == [
        "self", "operation_name", "request", "region_name", "signing_type"
    ]
    assert endpoint.__class__.__name__ == "Endpoint"
    assert boto3.client("lambda", region_name="us-east-1")._request_signer.signing_name == "lambda"
    # A Lambda client's credentials come from the session's chain, its local providers only (_patch).
    assert list(inspect.signature(ORIGINAL_SESSION["create_client"]).parameters)[:2] == ["self", "service_name"]
    session = botocore.session.Session()
    assert session._credentials is None
    methods = {provider.METHOD for provider in session.get_component("credential_provider").providers}
    assert {"env", "shared-credentials-file", "config-file", "iam-role", "container-role"} <= methods


def test_a_session_with_a_credential_resolver_of_its_own_makes_lambda_clients():
    from botocore.credentials import CredentialResolver, EnvProvider

    class Labelled(CredentialResolver):
        def __init__(self, providers, label):
            super().__init__(providers)
            self.label = label

    session = botocore.session.Session()
    session.register_component("credential_provider", Labelled([EnvProvider()], "ours"))
    with mock_lambda():
        assert session.create_client("lambda", region_name="us-east-1").list_functions()["Functions"] == []


def test_stray_stop_raises():
    mock = mock_lambda()
    with pytest.raises(RuntimeError):
        mock.stop()
    mock.start()
    mock.stop()
    with pytest.raises(RuntimeError):
        mock.stop()


def test_works_with_no_aws_configuration(tmp_path):
    script = textwrap.dedent(
        f"""
        import boto3
        from lambdamock import mock_lambda, package
        with mock_lambda():
            c = boto3.client("lambda", region_name="eu-west-1")
            c.create_function(FunctionName="f", Runtime="python3.12", Role={ROLE!r}, Handler="app.handler",
                              Code={{"ZipFile": package({{"app.py": "x = 1"}})}})
            print(c.get_function(FunctionName="f")["Configuration"]["FunctionArn"])
        """
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": ":".join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, cwd=str(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "arn:aws:lambda:eu-west-1:123456789012:function:f"


def test_nested_mocks_each_have_their_own_state():
    client = boto3.client("lambda", region_name="us-east-1")
    with mock_lambda():
        create(client, "outer")
        with mock_lambda():
            assert client.list_functions()["Functions"] == []
            create(client, "inner")
        assert [f["FunctionName"] for f in client.list_functions()["Functions"]] == ["outer"]


def test_many_threads_share_one_mock():
    client = boto3.client("lambda", region_name="us-east-1")
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            for n in range(10):
                create(client, f"f-{index}-{n}")
        except BaseException as exc:
            errors.append(exc)

    with mock_lambda():
        threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors
        pages = client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 50})
        assert sum(len(page["Functions"]) for page in pages) == 160


def test_concurrent_start_stop_from_many_threads_restores_botocore():
    barrier = threading.Barrier(8)

    def cycle() -> None:
        barrier.wait(timeout=30)
        for _ in range(50):
            with mock_lambda():
                pass

    threads = [threading.Thread(target=cycle) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert botocore.endpoint.Endpoint.__dict__["_do_get_response"] is ORIGINAL_DO_GET_RESPONSE
