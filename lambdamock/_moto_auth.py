"""moto's simulation of IAM (``set_initial_no_auth_action_count``, ``enable_iam_authentication``) on Lambda's calls."""

from __future__ import annotations

import sys
from typing import Any, Mapping
from urllib.parse import urlsplit

from lambdamock import _moto
from lambdamock.errors import AccessDeniedException, LambdaError
from lambdamock.operations import Call
from lambdamock.protocol.codec import Request
from lambdamock.state import names

# Where Lambda's IAM action is not its operation's name (Lambda's actions, resources and condition keys).
_ACTIONS = {"Invoke": "InvokeFunction", "InvokeWithResponseStream": "InvokeFunction",
            "GetLayerVersionByArn": "GetLayerVersion"}


class UnrecognizedClientException(LambdaError):
    status = 403


class InvalidSignatureException(LambdaError):
    status = 403


def _resource(call: Call, params: Mapping[str, Any]) -> str:
    """The ARN an IAM policy's Resource is matched against: the function (as qualified), the layer, or any."""
    region = call.region
    prefix = f"arn:{region.partition}:lambda:{region.name}:{region.account_id}"
    function = params.get("FunctionName")
    if isinstance(function, str):
        reference = names.parse(function)
        if reference is None:
            return f"{prefix}:function:{function}"
        qualifier = reference.qualifier or params.get("Qualifier")
        return f"{prefix}:function:{reference.name}" + (f":{qualifier}" if qualifier else "")
    if "LayerName" in params:
        number = params.get("VersionNumber")
        return f"{prefix}:layer:{params['LayerName']}" + (f":{number}" if number is not None else "")
    return "*"


def authorize(call: Call, operation: str, params: Mapping[str, Any], request: Request, url: str) -> None:
    """While moto simulates IAM, refuse the call as AWS would when the caller's policies do not allow it.

    Counted as moto counts its own calls: the first ``set_initial_no_auth_action_count`` calls of all
    services pass unchecked. A request lambdamock left unsigned (see _patch.unsigned) names no caller,
    and passes.
    """
    if "moto" not in sys.modules or not _moto.active() or "authorization" not in request.headers:
        return
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import AccessDeniedError, InvalidClientTokenIdError, SignatureDoesNotMatchError
    from moto.iam.access_control import IAMPolicy, IAMRequest, PermissionResult

    if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        ActionAuthenticatorMixin.request_count += 1
        return
    parts = urlsplit(url)
    headers = {name.title(): value if isinstance(value, str) else value.decode("latin-1")
               for name, value in request.headers.items()}
    headers.setdefault("Host", parts.netloc)  # signed, and sent by HTTP, though botocore does not list it
    action = _ACTIONS.get(operation, operation)
    resource = _resource(call, params)
    try:
        iam = IAMRequest(account_id=call.region.account_id, method=request.method,
                         path=parts.path + (f"?{parts.query}" if parts.query else ""), data={}, body=request.body,
                         headers=headers, action=action)
        iam.check_signature()
        iam.check_action_permitted(resource)
    except InvalidClientTokenIdError:
        raise UnrecognizedClientException("The security token included in the request is invalid.",
                                          type_=None) from None
    except SignatureDoesNotMatchError:
        raise InvalidSignatureException(
            "The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details.", type_=None
        ) from None
    except AccessDeniedError:
        # AWS's texts as its users report them (cloud-custodian#4736, python-lambda#715, and
        # aws-deployment-framework#460 for the one without an explicit deny).
        results = {IAMPolicy(policy).is_action_permitted(f"lambda:{action}", resource)
                   for policy in iam._access_key.collect_policies()}
        why = ("with an explicit deny in an identity-based policy" if PermissionResult.DENIED in results
               else f"because no identity-based policy allows the lambda:{action} action")
        raise AccessDeniedException(f"User: {iam._access_key.arn} is not authorized to perform: lambda:{action} "
                                    f"on resource: {resource} {why}") from None
