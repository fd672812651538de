"""Tenant isolation mode (TenancyConfig): which invocations name a tenant, and what such a function cannot have."""

from __future__ import annotations

from typing import Optional

from lambdamock.errors import InvalidParameterValueException

# AWS's texts: the first as its blog on tenant isolation mode quotes the CLI, the second as AWS's SAM CLI
# answers (its local_lambda.py); both InvalidParameterValueException, as AWS's troubleshooting page says.
_TENANT_MISSING = (
    "The invoked function is enabled with tenancy configuration. Add a valid tenant ID in your request and try again."
)
_TENANT_UNWANTED = (
    "The invoked function is not enabled with tenancy configuration. Remove the tenant ID from your request and "
    "try again."
)


def check_invoke(isolated: bool, tenant: Optional[str]) -> None:
    """An invocation of a function in tenant isolation mode names a tenant; one of any other function does not."""
    if isolated and tenant is None:
        raise InvalidParameterValueException(_TENANT_MISSING)
    if tenant is not None and not isolated:
        raise InvalidParameterValueException(_TENANT_UNWANTED)


def refuse(isolated: bool, feature: str) -> None:
    """What AWS's guide says tenant isolation mode does not support (the text is lambdamock's own: none recorded)."""
    if isolated:
        raise InvalidParameterValueException(f"Tenant isolation mode is not supported with {feature}.")
