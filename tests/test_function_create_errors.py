"""Bad inputs to CreateFunction (and the checks lookups and updates share): AWS's error, status, text, no change."""

from __future__ import annotations

import boto3
import pytest

from tests.helpers import moto_aws, recorded_pattern, validation

CREATE_NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?"
    r"(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"
)
GET_NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?"
    r"(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)
QUALIFIER_PATTERN = r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+"
ROLE_PATTERN = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
NOT_A_ZIP = b"this is not a zipfile, just a random string"
UNZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."
NO_SOURCE = "Please provide a source for function code."


def test_duplicate_create(client, create_function, aws_error):
    create_function("f")
    with aws_error(client, "ResourceConflictException", "Function already exist: f"):
        create_function("f", Timeout=60)
    with aws_error(client, "ResourceConflictException", "Function already exist: f"):
        create_function("arn:aws:lambda:us-east-1:123456789012:function:f")


@pytest.mark.parametrize(
    "runtime", ["java8", "go1.x", "provided", "ruby2.7", "nodejs14.x", "python3.7", "dotnetcore3.1", "nodejs12.x"]
)
def test_deprecated_runtime(client, create_function, aws_error, runtime):
    text = (
        f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda functions. "
        "We recommend you use a supported runtime while creating or updating functions."
    )
    with aws_error(client, "InvalidParameterValueException", text):
        create_function("f", Runtime=runtime)
    create_function("g")
    with aws_error(client, "InvalidParameterValueException", text):
        client.update_function_configuration(FunctionName="g", Runtime=runtime)


@pytest.mark.parametrize("runtime", ["non-existent-runtime", "PYTHON3.9"])
def test_invalid_runtime(client, raw_client, create_function, aws_error, runtime):
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaFunction::test_create_lambda_exceptions
    # (invalid_runtime_exc): the runtimes it creates functions with, in its own order.
    text = (
        f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
        "[nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, java25, "
        "python3.10, python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, java17, nodejs16.x, "
        "dotnet10, dotnet8, java11, dotnet6, nodejs18.x, provided.al2, java8.al2] or be a valid ARN"
    )
    for via in (client, raw_client):
        with aws_error(client, "InvalidParameterValueException", text):
            create_function("f", via=via, Runtime=runtime)
    create_function("f")
    with aws_error(client, "InvalidParameterValueException", text):
        client.update_function_configuration(FunctionName="f", Runtime=runtime)


@pytest.mark.parametrize("runtime", ["python3.13", "python3.14"])
def test_a_runtime_aws_names_is_taken_whatever_botocore_knows(client, create_function, runtime):
    # AWS names these in its refusal above; botocore models older than them (1.34) do not list them.
    assert create_function("f", Runtime=runtime)["Runtime"] == runtime
    assert client.invoke(FunctionName="f")["StatusCode"] == 200


@pytest.mark.parametrize("operation", ["create", "update"])
def test_corrupt_zip(client, create_function, aws_error, operation):
    if operation == "create":
        with aws_error(client, "InvalidParameterValueException", UNZIP):
            create_function("f", Code={"ZipFile": NOT_A_ZIP})
    else:
        create_function("f")
        with aws_error(client, "InvalidParameterValueException", UNZIP):
            client.update_function_code(FunctionName="f", ZipFile=NOT_A_ZIP)
        with aws_error(client, "InvalidParameterValueException", UNZIP):
            client.update_function_code(FunctionName="f", ZipFile=NOT_A_ZIP, DryRun=True)


def test_invalid_role(client, raw_client, create_function, aws_error):
    text = validation("'r1'", "role", f"Member must satisfy regular expression pattern: {ROLE_PATTERN}")
    with aws_error(client, "ValidationException", text):
        create_function("f", via=raw_client, Role="r1")
    create_function("f")
    with aws_error(client, "ValidationException", text):
        raw_client.update_function_configuration(FunctionName="f", Role="r1")


@pytest.mark.parametrize(
    "member, wire, value, constraint",
    [
        ("MemorySize", "memorySize", 127, "Member must have value greater than or equal to 128"),
        # AWS's maxima for a function Lambda runs itself, whatever the installed model allows (newer ones take a
        # Lambda Managed Instances function's): 10,240 MB (quoted from Lambda in a CloudFormation failure:
        # "Value '5555555' at 'memorySize' ... less than or equal to 10240") and 900 s (covidatlas/li#575:
        # "Value '3000' at 'timeout' ... less than or equal to 900"; cfn-lint#4685, checked against the live API).
        ("MemorySize", "memorySize", 5555555, "Member must have value less than or equal to 10240"),
        ("MemorySize", "memorySize", 10241, "Member must have value less than or equal to 10240"),
        ("Timeout", "timeout", 0, "Member must have value greater than or equal to 1"),
        ("Timeout", "timeout", 901, "Member must have value less than or equal to 900"),
        ("Timeout", "timeout", 5400, "Member must have value less than or equal to 900"),
    ],
)
def test_numbers_out_of_range(client, raw_client, create_function, aws_error, member, wire, value, constraint):
    text = validation(f"'{value}'", wire, constraint)
    with aws_error(client, "ValidationException", text):
        create_function("f", via=raw_client, **{member: value})
    create_function("f")
    with aws_error(client, "ValidationException", text):
        raw_client.update_function_configuration(FunctionName="f", **{member: value})


def test_ephemeral_storage_over_10240_mb_is_refused(client, raw_client, create_function, aws_error):
    # "any whole number between 512 and 10,240 MB" (AWS::Lambda::Function EphemeralStorage), in the model's words.
    text = validation("'10241'", "ephemeralStorage.size", "Member must have value less than or equal to 10240")
    with aws_error(client, "ValidationException", text):
        create_function("f", via=raw_client, EphemeralStorage={"Size": 10241})
    assert create_function("f", EphemeralStorage={"Size": 10240})["EphemeralStorage"] == {"Size": 10240}


def test_a_bucket_name_its_pattern_takes_but_shorter_than_the_minimum_is_refused(client, raw_client, create_function,
                                                                               aws_error):
    # "ab" matches S3Bucket's pattern, but the model's minimum length is 3; in the words AWS uses
    # for a length under the minimum (recorded for layers: test_lambda_api.snapshot.json, "Member must have length
    # greater than or equal to 1").
    text = validation("'ab'", "code.s3Bucket", "Member must have length greater than or equal to 3")
    with aws_error(client, "ValidationException", text):
        create_function("f", via=raw_client, Code={"S3Bucket": "ab", "S3Key": "k"})
    create_function("f")
    with aws_error(client, "ValidationException", text.replace("'code.s3Bucket'", "'s3Bucket'")):
        raw_client.update_function_code(FunctionName="f", S3Bucket="ab", S3Key="k")


def test_name_longer_than_64_on_create(client, create_function, aws_error):
    name = "a" * 65
    text = validation(f"'{name}'", "functionName", "Member must have length less than or equal to 64")
    with aws_error(client, "InvalidParameterValueException", text):
        create_function(name)
    # "less than or equal to 64": a name of 64 characters is taken.
    assert create_function("a" * 64)["FunctionName"] == "a" * 64


def test_arn_longer_than_140_on_create(client, create_function, aws_error, arn):
    reference = arn("a" * 100)
    text = validation(f"'{reference}'", "functionName", "Member must have length less than or equal to 140")
    with aws_error(client, "ValidationException", text):
        create_function(reference)


@pytest.mark.parametrize(
    "reference, missing",
    [
        # Only CreateFunction limits a bare name to 64 characters.
        ("a" * 65, "a" * 65),
        # An ARN without a name part names a function called "function".
        ("arn:aws:lambda:us-east-1:123456789012:function", "function"),
    ],
)
@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration", "delete_function"])
def test_odd_references_are_just_missing(client, aws_error, arn, reference, missing, operation):
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn(missing)}"):
        getattr(client, operation)(FunctionName=reference)


@recorded_pattern("CreateFunction", "FunctionName", CREATE_NAME_PATTERN)
@pytest.mark.parametrize("name", ["my-function!", "invalid:function:name", "*", "my-function:$latest", "f.g"])
def test_bad_name_pattern_on_create(client, create_function, aws_error, name):
    text = validation(f"'{name}'", "functionName", f"Member must satisfy regular expression pattern: {CREATE_NAME_PATTERN}")
    with aws_error(client, "ValidationException", text):
        create_function(name)


@pytest.mark.parametrize(
    "name",
    [
        "my-function!",
        "invalid-account:function:my-function",
        "arn:aws:lambda:invalid-region:123456789012:function:f",
        "arn:aws:ec2:us-east-1:123456789012:function:f",
        "function:my-function:1:2",
        "arn:aws:lambda:us-east-1:123456789012:function:f:$LATES",
    ],
)
@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration", "delete_function"])
@recorded_pattern("GetFunction", "FunctionName", GET_NAME_PATTERN)
def test_bad_name_pattern_on_lookup(client, aws_error, name, operation):
    text = validation(f"'{name}'", "functionName", f"Member must satisfy regular expression pattern: {GET_NAME_PATTERN}")
    with aws_error(client, "ValidationException", text):
        getattr(client, operation)(FunctionName=name)


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration", "delete_function"])
@recorded_pattern("GetFunction", "Qualifier", QUALIFIER_PATTERN)
def test_bad_qualifier_pattern(client, create_function, aws_error, operation):
    create_function("f")
    text = validation("'invalid!'", "qualifier", f"Member must satisfy regular expression pattern: {QUALIFIER_PATTERN}")
    with aws_error(client, "ValidationException", text):
        getattr(client, operation)(FunctionName="f", Qualifier="invalid!")


def test_environment_over_4kb(client, create_function, aws_error):
    variables = {"SMALL_VAR": "ok", "LARGE_VAR": "x" * 4096}
    text = (
        "Lambda was unable to configure your environment variables because the environment variables you have "
        'provided exceeded the 4KB limit. String measured: {"SMALL_VAR":"ok","LARGE_VAR":"' + "x" * 4096 + '"}'
    )
    with aws_error(client, "InvalidParameterValueException", text):
        create_function("f", Environment={"Variables": variables})
    create_function("f", Environment={"Variables": {"KEEP": "me"}})
    with aws_error(client, "InvalidParameterValueException", text):
        client.update_function_configuration(FunctionName="f", Environment={"Variables": variables})


def test_reserved_environment_variables_are_refused(client, create_function, aws_error):
    # AWS's text as deployment logs quote it, e.g. "Reserved keys used in this request: AWS_REGION,
    # AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY" (the reserved keys of AWS's "Defined runtime environment variables").
    variables = {"AWS_REGION": "eu-west-1", "MINE": "1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "s"}
    text = (
        "Lambda was unable to configure your environment variables because the environment variables you have "
        "provided contains reserved keys that are currently not supported for modification. Reserved keys used "
        "in this request: AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"
    )
    with aws_error(client, "InvalidParameterValueException", text):
        create_function("f", Environment={"Variables": variables})
    assert client.list_functions()["Functions"] == []
    create_function("f", Environment={"Variables": {"TZ": "Europe/Paris", "AWS_LAMBDA_EXEC_WRAPPER": "/opt/w"}})
    with aws_error(client, "InvalidParameterValueException", text.replace(
            "AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY", "AWS_LAMBDA_FUNCTION_NAME")):
        client.update_function_configuration(FunctionName="f", Environment={"Variables": {"AWS_LAMBDA_FUNCTION_NAME": "x"}})
    assert client.get_function_configuration(FunctionName="f")["Environment"]["Variables"]["TZ"] == "Europe/Paris"


# Every key AWS's "Defined runtime environment variables" page lists as reserved ("The keys for these environment
# variables are reserved and cannot be set in your function configuration"), on create and on update. (_HANDLER and
# _X_AMZN_TRACE_ID are reserved too, but the model's key pattern refuses a leading underscore first.)
RESERVED_KEYS = [
    "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
]


def test_every_reserved_environment_variable_is_refused(client, create_function, aws_error):
    create_function("f")
    for key in RESERVED_KEYS:
        text = (
            "Lambda was unable to configure your environment variables because the environment variables you have "
            "provided contains reserved keys that are currently not supported for modification. Reserved keys used "
            f"in this request: {key}"
        )
        with aws_error(client, "InvalidParameterValueException", text):
            create_function("g", Environment={"Variables": {"MINE": "1", key: "x"}})
        with aws_error(client, "InvalidParameterValueException", text):
            client.update_function_configuration(FunctionName="f", Environment={"Variables": {key: "x"}})
    assert [entry["FunctionName"] for entry in client.list_functions()["Functions"]] == ["f"]
    assert "Environment" not in client.get_function_configuration(FunctionName="f")


def test_environment_limit_counts_utf8_bytes(client, create_function, aws_error):
    # {"BIG":"..."} measures 10 bytes around the value; "é" is 2 bytes, written as is.
    created = create_function("f", Environment={"Variables": {"BIG": "x" * 4084 + "é"}})
    assert created["Environment"]["Variables"]["BIG"].endswith("xé")
    text = (
        "Lambda was unable to configure your environment variables because the environment variables you have "
        'provided exceeded the 4KB limit. String measured: {"BIG":"' + "x" * 4085 + 'é"}'
    )
    with aws_error(client, "InvalidParameterValueException", text):
        client.update_function_configuration(FunctionName="f", Environment={"Variables": {"BIG": "x" * 4085 + "é"}})


@pytest.mark.parametrize(
    "code, text",
    [
        ({"ZipFile": b"PK", "S3Bucket": "bucket", "S3Key": "key"},
         "Please do not provide other FunctionCode parameters when providing a ZipFile."),
        ({}, NO_SOURCE),
        # Without PackageType=Image an ImageUri is no code source (aws/boto3#2705).
        ({"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:latest"}, NO_SOURCE),
    ],
)
def test_code_sources(client, create_function, aws_error, code, text):
    with aws_error(client, "InvalidParameterValueException", text):
        create_function("f", Code=code)


S3_MISSING = [
    ("missing-bucket", "fn.zip",
     "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist"),
    ("code", "missing.zip",
     "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist."),
]


@pytest.mark.parametrize("bucket, key, text", S3_MISSING)
def test_s3_object_missing(client, create_function, aws_error, make_zip, bucket, key, text):
    with moto_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="code")
        s3.put_object(Bucket="code", Key="fn.zip", Body=make_zip())
        with aws_error(client, "InvalidParameterValueException", text):
            create_function("f", Code={"S3Bucket": bucket, "S3Key": key})
        create_function("f", Code={"S3Bucket": "code", "S3Key": "fn.zip"})
        with aws_error(client, "InvalidParameterValueException", text):
            client.update_function_code(FunctionName="f", S3Bucket=bucket, S3Key=key)


def test_s3_code_from_another_region_is_refused(client, create_function, aws_error, make_zip):
    # "the bucket must be in the same Region as the function" (the developer guide's troubleshooting page,
    # "Amazon S3: Error Code PermanentRedirect", which gives this text).
    text = ("Error occurred while GetObject. S3 Error Code: PermanentRedirect. S3 Error Message: The bucket is in "
            "this region: us-east-2. Please use this region to retry the request")
    with moto_aws():
        for region in ("us-east-1", "us-east-2"):
            s3 = boto3.client("s3", region_name=region)
            extra = {"CreateBucketConfiguration": {"LocationConstraint": region}} if region != "us-east-1" else {}
            s3.create_bucket(Bucket=f"code-{region}", **extra)
            s3.put_object(Bucket=f"code-{region}", Key="fn.zip", Body=make_zip())
        with aws_error(client, "InvalidParameterValueException", text):
            create_function("f", Code={"S3Bucket": "code-us-east-2", "S3Key": "fn.zip"})
        create_function("f", Code={"S3Bucket": "code-us-east-1", "S3Key": "fn.zip"})
        with aws_error(client, "InvalidParameterValueException", text):
            client.update_function_code(FunctionName="f", S3Bucket="code-us-east-2", S3Key="fn.zip")
        with aws_error(client, "InvalidParameterValueException", text):
            client.publish_layer_version(LayerName="l", Content={"S3Bucket": "code-us-east-2", "S3Key": "fn.zip"})


@pytest.mark.parametrize(
    "omitted, wire", [("FunctionName", "functionName"), ("Role", "role"), ("Code", "code")]
)
def test_missing_required_member(client, raw_client, create_function, aws_error, omitted, wire):
    with aws_error(client, "ValidationException", validation("null", wire, "Member must not be null")):
        create_function("f", via=raw_client, **{omitted: None})


def test_missing_required_members_are_all_listed(client, raw_client, aws_error):
    text = (
        "2 validation errors detected: "
        "Value null at 'functionName' failed to satisfy constraint: Member must not be null; "
        "Value null at 'role' failed to satisfy constraint: Member must not be null"
    )
    with aws_error(client, "ValidationException", text):
        raw_client.create_function(Runtime="python3.12", Handler="index.handler", Code={"ZipFile": b""})


def test_zip_function_needs_runtime_and_handler(client, create_function, aws_error):
    text = "Runtime and Handler are mandatory parameters for functions created with deployment packages."
    with aws_error(client, "InvalidParameterValueException", text):
        create_function("f", Runtime=None)
    with aws_error(client, "InvalidParameterValueException", text):
        create_function("f", Handler=None)


IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:latest"


def test_image_function_without_image_uri(client, create_function, aws_error):
    # No AWS recording exists for this case; AWS's general missing-source text is the closest known.
    with aws_error(client, "InvalidParameterValueException", NO_SOURCE):
        create_function("img", PackageType="Image", Runtime=None, Handler=None, Code={})


@pytest.mark.parametrize("extra", [{"Handler": "index.handler"}, {"Runtime": "python3.12"}, "layer"])
def test_image_function_with_runtime_or_handler(client, create_function, aws_error, make_zip, extra):
    # The text names a Layer too; layers are for .zip functions only (configuration-layers).
    if extra == "layer":
        layer = client.publish_layer_version(LayerName="l", Content={"ZipFile": make_zip()})["LayerVersionArn"]
        extra = {"Layers": [layer]}
    text = "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image."
    params = {"Runtime": None, "Handler": None, **extra}
    with aws_error(client, "InvalidParameterValueException", text):
        create_function("img", PackageType="Image", Code={"ImageUri": IMAGE}, **params)
    assert client.list_functions()["Functions"] == []


@pytest.mark.parametrize("extra", [{"Handler": "index.handler"}, {"Runtime": "python3.12"}, "layer"])
def test_an_image_function_is_not_updated_with_a_runtime_handler_or_layer(client, create_function, aws_error,
                                                                         make_zip, extra):
    # The create text on an update too: aws/aws-cdk#13037 quotes it for an image function given a Handler later;
    # layers are for .zip functions only (configuration-layers).
    create_function("img", PackageType="Image", Runtime=None, Handler=None, Code={"ImageUri": IMAGE})
    if extra == "layer":
        layer = client.publish_layer_version(LayerName="l", Content={"ZipFile": make_zip()})["LayerVersionArn"]
        extra = {"Layers": [layer]}
    text = "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image."
    with aws_error(client, "InvalidParameterValueException", text):
        client.update_function_configuration(FunctionName="img", **extra)
    assert "Layers" not in client.get_function_configuration(FunctionName="img")


def test_update_code_of_the_wrong_package_type(client, create_function, aws_error, make_zip):
    create_function("zip")
    create_function("img", PackageType="Image", Runtime=None, Handler=None, Code={"ImageUri": IMAGE})
    with aws_error(client, "InvalidParameterValueException",
                   "Please don't provide ImageUri when updating a function with packageType Zip."):
        client.update_function_code(FunctionName="zip", ImageUri=IMAGE)
    with aws_error(client, "InvalidParameterValueException",
                   "Please provide ImageUri when updating a function with packageType Image."):
        client.update_function_code(FunctionName="img", ZipFile=make_zip())
