"""moto's Resource Groups Tagging API finds and tags the active mock's functions, as AWS's finds Lambda's.

moto's GetResources reads a region's functions from moto's Lambda backend (``list_functions``) and its
TagResources/UntagResources change them there; while a mock serves the account, those are the mock's
functions. Installed by _moto.bridge when moto loads these modules (moto 5.0 to 5.2).
"""

from __future__ import annotations

import contextvars
from typing import Any, Callable, NamedTuple

from lambdamock import _active, _moto_auth


class _Listed(NamedTuple):
    """What moto's tagging API reads of a function in moto's Lambda backend."""

    function_arn: str
    tags: dict[str, str]


def _service(account_id: str) -> Any:
    """The active mock serving this account; None to leave the call to moto."""
    service = _active.serving()
    return None if service is None or service.closed or service.account_id != account_id else service


def _list_functions(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # LambdaBackend.list_functions(func_version=None): what moto's tagging API lists as lambda:function.
    service = _service(instance.account_id)
    if service is None:
        return wrapped(*args, **kwargs)
    with service.lock:
        functions = list(service.region(instance.region_name).functions.values())
        return [_Listed(function.arn, dict(function.tags)) for function in functions]


def _taggable(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # iter_taggable_backends(account_id, region_name) (moto 5.2): it passes over moto's Lambda backend until
    # something made it for the account, which nothing does while lambdamock serves Lambda.
    account_id = args[0] if args else kwargs["account_id"]
    if _service(account_id) is not None:
        from moto.awslambda.models import lambda_backends

        lambda_backends[account_id]  # made on first access
    return wrapped(*args, **kwargs)


# The response object of the tagging API call moto is answering, while moto authorizes it (simulating IAM).
_CALLER: contextvars.ContextVar[Any] = contextvars.ContextVar("lambdamock_tagging_caller", default=None)


def _calling(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # ResourceGroupsTaggingAPIResponse.call_action: moto authorizes the tagging API's action, then answers.
    token = _CALLER.set(instance if _moto_auth.checking() else None)
    try:
        return wrapped(*args, **kwargs)
    finally:
        _CALLER.reset(token)


def _retagging(action: str, change: Callable[[Any, str, Any], None]) -> Callable[..., Any]:
    """A wrapper of a tagging API call (ARNs, then tags or keys) that makes the mock's functions' part itself.

    The mock's part goes through Lambda's own TagResource/UntagResource, so their checks and answers hold;
    a refusal is that ARN's entry in FailedResourcesMap, with Lambda's error, as AWS reports a resource it
    could not tag. While moto simulates IAM, the caller also needs Lambda's ``action`` on each function, as on
    AWS (the Resource Groups Tagging API reference: TagResources' minimum permissions, FailureInfo).
    """
    def wrapper(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        arns = list(args[0] if args else kwargs.get("resource_arns", kwargs.get("resource_arn_list")) or [])
        what = args[1] if len(args) > 1 else kwargs.get("tags", kwargs.get("tag_keys"))
        service = _service(instance.account_id)
        mine = [arn for arn in arns if service is not None and _lambdas(service, arn)]
        if not mine:
            return wrapped(*args, **kwargs)
        rest = [arn for arn in arns if arn not in mine]
        failed: dict[str, Any] = dict(wrapped(rest, what)) if rest else {}
        import boto3
        from botocore.exceptions import ClientError

        client = _moto_auth.trusted(boto3.session.Session().client("lambda", region_name=instance.region_name))
        caller = _CALLER.get()
        signer = None if caller is None else _moto_auth.signer(caller)
        for arn in mine:
            refused = None if signer is None else _moto_auth.refusal(signer, action, arn)
            if refused is not None:
                failed[arn] = {"StatusCode": 403, "ErrorCode": "AccessDeniedException", "ErrorMessage": refused}
                continue
            try:
                change(client, arn, what)
            except ClientError as error:
                # FailureInfo: "any valid error code returned by the AWS service that hosts the resource".
                failed[arn] = {"StatusCode": error.response["ResponseMetadata"]["HTTPStatusCode"],
                               "ErrorCode": error.response["Error"]["Code"],
                               "ErrorMessage": error.response["Error"]["Message"]}
        return failed

    return wrapper


def _lambdas(service: Any, arn: Any) -> bool:
    """True for an ARN of Lambda's in the mock's account: a function, a mapping, a code signing config."""
    parts = arn.split(":") if isinstance(arn, str) else []
    return len(parts) >= 6 and parts[0] == "arn" and parts[2] == "lambda" and parts[4] == service.account_id


_tag_resources = _retagging("TagResource", lambda client, arn, tags: client.tag_resource(Resource=arn, Tags=tags))
_untag_resources = _retagging("UntagResource",
                              lambda client, arn, keys: client.untag_resource(Resource=arn, TagKeys=keys))


def install_lambda(module: Any) -> None:
    import wrapt

    wrapt.wrap_function_wrapper(module, "LambdaBackend.list_functions", _list_functions)


def install_tagging(module: Any) -> None:
    import wrapt

    wrapt.wrap_function_wrapper(module, "ResourceGroupsTaggingAPIBackend.tag_resources", _tag_resources)
    if hasattr(module.ResourceGroupsTaggingAPIBackend, "untag_resources"):  # not in moto 5.1.0
        wrapt.wrap_function_wrapper(module, "ResourceGroupsTaggingAPIBackend.untag_resources", _untag_resources)
    if hasattr(module, "iter_taggable_backends"):  # moto 5.2.2 on
        wrapt.wrap_function_wrapper(module, "iter_taggable_backends", _taggable)


def install_responses(module: Any) -> None:
    import wrapt

    wrapt.wrap_function_wrapper(module, "ResourceGroupsTaggingAPIResponse.call_action", _calling)
