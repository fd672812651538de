"""What moto's IAM, STS and EC2 give Lambda: a role's trust policy and credentials, a subnet's VPC (moto imported only
if loaded)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Mapping, Optional

from lambdamock import _moto, partitions

if TYPE_CHECKING:
    from lambdamock.runtime import FunctionSpec

MISSING = object()


def trust_policy(account_id: str, role_arn: str) -> Any:
    """The trust policy of a role in moto's IAM (parsed when it is JSON); MISSING when moto has no such role."""
    iam = sys.modules.get("moto.iam.models")
    if iam is None:  # moto's IAM was never used: it holds no role
        return MISSING
    backends = iam.iam_backends[account_id]
    # Newer moto keeps one IAM per partition ("global" names the aws one); older moto one for all.
    partition = role_arn.split(":")[1] if role_arn.count(":") >= 5 else "aws"
    roles = backends[partition if partition != "aws" and partition in backends else "global"].get_roles()
    found = next((role for role in roles if role.arn == role_arn), None)
    if found is None:
        return MISSING
    document = found.assume_role_policy_document
    try:
        return json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return document


def vpc_of(account_id: str, region: str, subnet_id: str) -> Optional[str]:
    """The VPC of a subnet in moto's EC2; None when moto knows no such subnet."""
    ec2 = sys.modules.get("moto.ec2.models")
    if ec2 is None:
        return None
    try:
        return str(ec2.ec2_backends[account_id][region].get_subnet(subnet_id).vpc_id)
    except Exception:  # moto's InvalidSubnetIdError, whose module moved between versions
        return None


def role_credentials(spec: FunctionSpec, held: Mapping[str, str]) -> Mapping[str, str]:
    """An environment's credential variables: a session of its execution role from moto's STS, as Lambda gives each
    environment (``held``, while the active moto knows its key); none while moto is not mocking AWS, for a role of
    another account, or for SnapStart, whose environments get theirs from a container endpoint on AWS
    (AWS_CONTAINER_CREDENTIALS_FULL_URI, the SnapStart guide), which lambdamock does not serve.

    The session is named after the function, with "@lambda_function" after a one-character name, as STS needs two
    (recorded: LocalStack test_lambda.snapshot.json, TestLambdaBaseFeatures::test_assume_role).
    """
    if not _moto.active() or spec.snap_start or spec.role.split(":")[4:5] != [spec.account_id]:
        return {}
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    partition = partitions.of(spec.region)
    try:
        sts, iam = sts_backends[spec.account_id][partition], iam_backends[spec.account_id][partition]
    except KeyError:  # a partition this moto does not know
        return {}
    if held.get("AWS_ACCESS_KEY_ID") in iam.access_keys:  # STS keeps its sessions' keys there; a reset empties it
        return held
    name = spec.function_name if len(spec.function_name) > 1 else f"{spec.function_name}@lambda_function"
    session = sts.assume_role(
        region_name=spec.region, role_session_name=name, role_arn=spec.role, policy="", duration=43200,
        external_id="")
    return {"AWS_ACCESS_KEY_ID": session.access_key_id, "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
            "AWS_SESSION_TOKEN": session.session_token}
