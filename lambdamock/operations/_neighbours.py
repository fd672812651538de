"""What a function's configuration names in other services: its role in IAM, its subnets' VPC in EC2, its image in ECR."""

from __future__ import annotations

import hashlib
import re
from typing import Any, Optional

from lambdamock import _moto, _moto_resources, partitions
from lambdamock.errors import AccessDeniedException, InvalidParameterValueException
from lambdamock.operations._base import Call
from lambdamock.outbound import Unreachable

_UNASSUMABLE = "The role defined for the function cannot be assumed by Lambda."
# An image in a private ECR repository, by tag or by digest: what Lambda runs (ECR's name and tag rules).
_IMAGE = re.compile(
    r"(?P<registry>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.(?P<domain>[a-z0-9.-]+)/"
    r"(?P<repository>(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9._-]{0,127})|@sha256:(?P<digest>[0-9a-f]{64}))"
)


def _trusts_lambda(policy: Any) -> bool:
    """True when a trust policy lets lambda.amazonaws.com assume the role; one IAM would refuse is not judged."""
    if not isinstance(policy, dict) or "Statement" not in policy:
        return True  # moto stores any text ("{}", "some policy"), which IAM would have refused: nothing to emulate
    statements = policy.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action")
        principal = statement.get("Principal")
        services = principal.get("Service") if isinstance(principal, dict) else principal
        if not isinstance(actions, list):
            actions = [actions]
        if not isinstance(services, list):
            services = [services]
        if any(action in ("sts:AssumeRole", "sts:*", "*") for action in actions) and any(
                service in ("lambda.amazonaws.com", "*") for service in services):
            return True
    return False


def check_role(call: Call, role_arn: str) -> None:
    """With moto active, the role must be of this account, exist in moto's IAM and trust Lambda, as on AWS."""
    if not _moto.active():
        return
    parts = role_arn.split(":")
    if len(parts) > 4 and parts[4] != call.region.account_id:
        raise AccessDeniedException("Cross-account pass role is not allowed.")
    policy = _moto_resources.trust_policy(call.region.account_id, role_arn)
    if policy is _moto_resources.MISSING or not _trusts_lambda(policy):
        raise InvalidParameterValueException(_UNASSUMABLE)


def vpc_id(call: Call, subnet_ids: list[str]) -> str:
    """The VPC of the subnets: moto's EC2 knows it, else a stable stand-in; "" without subnets, as on AWS."""
    if not subnet_ids:
        return ""
    if _moto.active():
        found = _moto_resources.vpc_of(call.region.account_id, call.region.name, subnet_ids[0])
        if found is not None:
            return found
    return "vpc-" + hashlib.sha256(",".join(sorted(subnet_ids)).encode()).hexdigest()[:17]


def image_digest(call: Call, uri: str) -> Optional[str]:
    """The digest Lambda reports as an image's CodeSha256: the URI's own, or ECR's for its tag; None when unknown.

    A URI that names no ECR image (no registry, no tag) is refused as AWS refuses it. ECR is asked
    only where the gate lets lambdamock call it (moto's, or a named endpoint), and only for the mock's
    own account and the function's region; an image it does not hold is refused as AWS refuses it,
    when it holds the repository. A repository it does not hold is taken for one that ECR is not
    mocked for (moto takes any image unless told otherwise).
    """
    match = _IMAGE.fullmatch(uri)
    if match is None or match["domain"] != partitions.dns_suffix(match["region"]):
        raise InvalidParameterValueException(f"Source image {uri} is not valid. Provide a valid source image.")
    pinned: Optional[str] = match["digest"]
    if (match["registry"], match["region"]) != (call.region.account_id, call.region.name):
        # Another account's registry, or another region's, is not the mock's ECR (moto's would answer
        # from the mock's own repositories whatever registry is named).
        return pinned
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        ecr = call.service.outbound.client("ecr", match["region"])
        image = {"imageDigest": f"sha256:{pinned}"} if pinned else {"imageTag": match["tag"]}
        images = ecr.batch_get_image(registryId=match["registry"], repositoryName=match["repository"],
                                     imageIds=[image])["images"]
    except (BotoCoreError, ClientError, Unreachable):
        return pinned  # not in ECR as far as lambdamock can tell: the URI's digest, or the stand-in
    if not images:
        # Recorded on AWS in public reports: aws/aws-cdk#24648, hashicorp/terraform#27963.
        raise InvalidParameterValueException(f"Source image {uri} does not exist. Provide a valid source image.")
    return str(images[0]["imageId"]["imageDigest"]).split(":", 1)[-1]
