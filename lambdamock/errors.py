"""Exceptions named after the AWS Lambda error codes they are sent as."""

from __future__ import annotations

from typing import Any, Optional


class LambdaError(Exception):
    """An error answered to the caller in AWS's error form.

    The class name is the AWS error code; the HTTP status comes from the
    service model's error shape (400 when the model does not know the code).
    """

    # AWS's status, used where an older service model does not define the code (newer models agree).
    status = 400

    def __init__(self, message: str, type_: Optional[str] = "User", **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, Any] = {"Type": type_, **fields}

    @property
    def code(self) -> str:
        return type(self).__name__


class ValidationException(LambdaError):
    def __init__(self, message: str) -> None:
        # AWS sends model validation failures without a Type.
        super().__init__(message, type_=None)


class ResourceNotFoundException(LambdaError):
    status = 404


class ResourceConflictException(LambdaError):
    status = 409


class ResourceInUseException(LambdaError):
    pass


class InvalidParameterValueException(LambdaError):
    pass


class InvalidRequestContentException(LambdaError):
    pass


class PreconditionFailedException(LambdaError):
    status = 412


class RequestEntityTooLargeException(LambdaError):
    status = 413

    def __init__(self, message: str) -> None:
        super().__init__(message, type_=None)


class PolicyLengthExceededException(LambdaError):
    pass


class TooManyRequestsException(LambdaError):
    status = 429


class RecursiveInvocationException(LambdaError):
    pass


class SnapStartException(LambdaError):
    """A SnapStart version's after-restore hook failed; Lambda ran no invocation."""

    # The model's description of the error: AWS's text for SnapStartTimeoutException is its own (below), and no
    # recording of this one was found.
    MESSAGE = ("The afterRestore() runtime hook encountered an error. For more information, check the Amazon "
               "CloudWatch logs.")


class SnapStartTimeoutException(LambdaError):
    """A SnapStart version's after-restore hooks outlived their 10 s; Lambda ran no invocation."""

    status = 408
    # AWS's SnapStart troubleshooting guide, from a Step Functions task's error: "Lambda couldn't restore the
    # snapshot within the timeout limit. (Service: Lambda, Status Code: 408, ...)" (the SDK adds the parentheses).
    MESSAGE = "Lambda couldn't restore the snapshot within the timeout limit."


class ProvisionedConcurrencyConfigNotFoundException(LambdaError):
    status = 404


class CodeSigningConfigNotFoundException(LambdaError):
    status = 404


class ServiceException(LambdaError):
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message, type_="Service")


class AccessDeniedException(LambdaError):
    status = 403

    def __init__(self, message: str = "") -> None:
        # AWS answers a foreign account's ARN with an empty message.
        super().__init__(message, type_=None)


class UnrecognizedClientException(LambdaError):
    """The front end knows no such access key."""

    status = 403


class InvalidSignatureException(LambdaError):
    """The request's signature is not the one its access key's secret makes."""

    status = 403


class NotServedError(NotImplementedError):
    """Raised, never answered: lambdamock does not serve this operation yet."""


class MockStoppedError(RuntimeError):
    """Raised, never sent: a Lambda call from a thread whose mock has stopped, or a call the stop cut short."""

    # The one text for a call cut short, wherever the stop catches it.
    STOPPED = (
        "lambdamock: the mock serving this call stopped while it ran. A mock is process-wide: stop() "
        "ends it for every thread, so a thread's calls must end before another thread stops the mock "
        "(wait for them, or give the whole test one mock)"
    )
