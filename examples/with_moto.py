"""lambdamock next to moto: a handler reads an S3 object that moto serves and queues a message on moto's SQS."""

import json

import boto3
from moto import mock_aws

from lambdamock import mock_lambda, package

HANDLER = """
import json
import boto3

def handler(event, context):
    s3 = boto3.client("s3", region_name="us-east-1")
    order = json.loads(s3.get_object(Bucket="orders", Key=event["key"])["Body"].read())
    total = sum(line["price"] * line["quantity"] for line in order["lines"])
    sqs = boto3.client("sqs", region_name="us-east-1")
    sqs.send_message(QueueUrl=event["queue"], MessageBody=json.dumps({"order": order["id"], "total": total}))
    return {"total": total}
"""


with mock_aws(), mock_lambda() as lambdas:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="orders")
    order = {"id": "o-1", "lines": [{"price": 3, "quantity": 2}, {"price": 10, "quantity": 1}]}
    s3.put_object(Bucket="orders", Key="o-1.json", Body=json.dumps(order))
    queue = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="totals")["QueueUrl"]
    role = boto3.client("iam", region_name="us-east-1").create_role(RoleName="pricer", AssumeRolePolicyDocument="{}")["Role"]["Arn"]

    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(
        FunctionName="pricer", Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": package({"app.py": HANDLER})}
    )
    response = client.invoke(FunctionName="pricer", Payload=json.dumps({"key": "o-1.json", "queue": queue}))
    print("lambda answered:", json.loads(response["Payload"].read()))

    messages = boto3.client("sqs", region_name="us-east-1").receive_message(QueueUrl=queue)["Messages"]
    print("moto's queue holds:", [json.loads(message["Body"]) for message in messages])
    print(lambdas)
