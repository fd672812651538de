"""moto's simulation of IAM (``set_initial_no_auth_action_count``, ``enable_iam_authentication``) on Lambda's calls."""

from __future__ import annotations

import sys
from typing import Any, Mapping, MutableMapping
from urllib.parse import urlsplit

from lambdamock import _moto
from lambdamock.errors import AccessDeniedException, InvalidSignatureException, UnrecognizedClientException
from lambdamock.operations import Call
from lambdamock.protocol.codec import Request
from lambdamock.state import names

# Where Lambda's IAM action is not its operation's name (Lambda's actions, resources and condition keys).
_ACTIONS = {"Invoke": "InvokeFunction", "InvokeWithResponseStream": "InvokeFunction",
            "GetLayerVersionByArn": "GetLayerVersion"}
# Set in the request context of the calls lambdamock makes for moto's services (see trusted).
_TRUSTED = "lambdamock_trusted"


def trusted(client: Any) -> Any:
    """``client``, for the Lambda calls lambdamock makes as part of a call moto authorized (a stack's resources, the
    tagging API): they are neither counted nor authorized again."""
    client.meta.events.register("before-call.lambda", _mark)
    return client


def _mark(context: MutableMapping[str, Any], **_: Any) -> None:
    context[_TRUSTED] = True


# Actions on no resource of their own: a policy must allow them on "*", whichever function the request names
# (the Service Authorization Reference's table for Lambda lists no resource type for them).
_UNSCOPED = frozenset({"CreateEventSourceMapping", "ListEventSourceMappings"})


def _resources(call: Call, params: Mapping[str, Any]) -> tuple[str, ...]:
    """The ARNs an IAM policy's Resource is matched against, each of which must be allowed: the one the request
    names (a function as qualified, a layer version, a mapping), or any; PutFunctionCodeSigningConfig acts on
    both the function and the config (the Service Authorization Reference's table for Lambda)."""
    if call.operation in _UNSCOPED:
        return ("*",)
    config = params.get("CodeSigningConfigArn")
    if call.operation == "PutFunctionCodeSigningConfig" and isinstance(config, str):
        return _resource(call, {"FunctionName": params.get("FunctionName")}), config
    return (_resource(call, params),)


def _resource(call: Call, params: Mapping[str, Any]) -> str:
    """The ARN the request names: a function as qualified, a layer (version), a mapping, a config; or any."""
    region = call.region
    prefix = f"arn:{region.partition}:lambda:{region.name}:{region.account_id}"
    # A function made with a code signing config is the resource of CreateFunction; the config ARN is a condition
    # key there ("Configuring IAM policies for Lambda code signing configurations", developer guide).
    config = None if call.operation == "CreateFunction" else params.get("CodeSigningConfigArn")
    named = params.get("Resource") or params.get("ResourceArn") or params.get("Arn") or config
    if isinstance(named, str):
        return named
    if "UUID" in params:
        return f"{prefix}:event-source-mapping:{params['UUID']}"
    function = params.get("FunctionName")
    if isinstance(function, str):
        reference = names.parse(function)
        if reference is None:
            return f"{prefix}:function:{function}"
        qualifier = reference.qualifier or params.get("Qualifier")
        return f"{prefix}:function:{reference.name}" + (f":{qualifier}" if qualifier else "")
    layer = params.get("LayerName")
    if isinstance(layer, str):
        number = params.get("VersionNumber")
        base = layer if layer.startswith("arn:") else f"{prefix}:layer:{layer}"
        return base + (f":{number}" if number is not None else "")
    return "*"


def authorize(call: Call, operation: str, params: Mapping[str, Any], request: Request, url: str,
              context: Mapping[str, Any]) -> bool:
    """While moto simulates IAM, refuse the call as AWS would when the caller's policies do not allow it.

    Counted as moto counts its own calls: the first ``set_initial_no_auth_action_count`` calls of all
    services pass unchecked. A request lambdamock left unsigned (see _patch.unsigned) names no caller,
    and passes. Returns whether the answer may show the function's tags: GetFunction shows them only to a
    caller its policies explicitly allow lambda:ListTags (GetFunctionResponse's Tags, in the API reference).
    """
    if "moto" not in sys.modules or not _moto.active() or "authorization" not in request.headers or \
            context.get(_TRUSTED):
        return True
    counter = _counter()
    if not checking():
        counter.request_count += 1
        return True
    # Only now, as moto itself loads them: while IAM is not simulated, moto's IAM models stay unloaded.
    from botocore.auth import _host_from_url
    from moto.core.exceptions import InvalidClientTokenIdError, SignatureDoesNotMatchError
    from moto.iam.access_control import IAMRequest

    parts = urlsplit(url)
    headers = {name.title(): value if isinstance(value, str) else value.decode("latin-1")
               for name, value in request.headers.items()}
    headers.setdefault("Host", _host_from_url(url))  # signed as botocore names it, though it does not list it
    action = _ACTIONS.get(operation, operation)
    resources = _resources(call, params)
    try:
        iam = IAMRequest(account_id=call.region.account_id, method=request.method,
                         path=parts.path + (f"?{parts.query}" if parts.query else ""), data={}, body=request.body,
                         headers=headers, action=action)
        iam.check_signature()
    except InvalidClientTokenIdError:
        raise UnrecognizedClientException("The security token included in the request is invalid.",
                                          type_=None) from None
    except SignatureDoesNotMatchError:
        raise InvalidSignatureException(
            "The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details.", type_=None
        ) from None
    for resource in resources:
        refused = refusal(iam._access_key, action, resource)
        if refused is not None:
            raise AccessDeniedException(refused)
    if operation != "GetFunction":
        return True
    function, = resources
    function = function.rsplit(":", 1)[0] if function.count(":") > 6 else function  # tags are the function's
    return refusal(iam._access_key, "ListTags", function) is None


def _counter() -> Any:
    """moto's class that counts the calls made while IAM is simulated."""
    try:
        from moto.core.authorization import ActionAuthenticatorMixin
    except ImportError:  # moto before 5.1.17 keeps it with its responses
        from moto.core.responses import ActionAuthenticatorMixin
    return ActionAuthenticatorMixin


def checking() -> bool:
    """Whether moto authorizes the next call: its first ``set_initial_no_auth_action_count`` calls pass unchecked."""
    from moto import settings

    return bool(_counter().request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT)


def signer(response: Any) -> Any:
    """The access key (moto's) that signed the request a response object of moto's has authorized."""
    from moto.iam.access_control import IAMRequest

    return IAMRequest(account_id=response.current_account, method=response.method, path="/", data={}, body=b"",
                      headers=response.headers, action="")._access_key


def refusal(access_key: Any, action: str, resource: str) -> str | None:
    """AWS's AccessDeniedException text for Lambda's ``action`` on ``resource`` by the holder of ``access_key``;
    None when its policies allow it (an explicit deny in any of them overrides an allow in another)."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    results = {IAMPolicy(policy).is_action_permitted(f"lambda:{action}", resource)
               for policy in access_key.collect_policies()}
    if PermissionResult.PERMITTED in results and PermissionResult.DENIED not in results:
        return None
    # AWS's texts as its users report them (cloud-custodian#4736, python-lambda#715, and
    # aws-deployment-framework#460 for the one without an explicit deny).
    why = ("with an explicit deny in an identity-based policy" if PermissionResult.DENIED in results
           else f"because no identity-based policy allows the lambda:{action} action")
    return f"User: {access_key.arn} is not authorized to perform: lambda:{action} on resource: {resource} {why}"
