"""Invoke's door to jobs: a function reference as the API takes it, made a runnable Job (see state.jobs)."""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

from lambdamock.operations import _tenancy
from lambdamock.operations._base import Call, split_reference
from lambdamock.state import jobs
from lambdamock.state.invocations import Job


def job(call: Call, reference: str, qualifier: Optional[str], payload: bytes, kind: str,
        client_context: Optional[dict[str, Any]] = None, tenant: Optional[str] = None) -> Job:
    """A Job for the version the reference names (a name, a partial or full ARN, with a qualifier).

    A function in tenant isolation mode must be given a ``tenant``, and any other must not.
    """
    name, qualifier = split_reference(call, reference, qualifier)
    made = jobs.job(call.service, call.region, name, qualifier, payload, kind, call.request_id, client_context,
                    trace=call.trace)
    _tenancy.check_invoke(made.isolated, tenant)
    return made if tenant is None else dataclasses.replace(made, tenant=tenant)
