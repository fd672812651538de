"""What moto's IAM and EC2 hold that Lambda reads: a role's trust policy, a subnet's VPC (moto imported only if loaded)."""

from __future__ import annotations

import json
import sys
from typing import Any, Optional

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
