"""A moto that lacks what lambdamock wraps (one before 5.1) fails with a plain reason, never wrapt's own error."""

from __future__ import annotations

import types
from typing import Any

import moto
import pytest

from lambdamock import _moto


def _responses(**methods: Any) -> types.ModuleType:
    """A stand-in for an old moto's ``moto.s3.responses``: moto 4.2 and 5.0.0's S3Response had no put_object."""
    module = types.ModuleType("moto.s3.responses")
    module.S3Response = type("S3Response", (), methods)  # type: ignore[attr-defined]
    return module


def _wrapper(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    return ("wrapped", wrapped(*args, **kwargs))


def test_a_moto_without_what_is_wrapped_is_refused_with_its_version_and_the_way_out() -> None:
    (install,) = [install for module, install in _moto._installs() if module == "moto.s3.responses"]
    with pytest.raises(ImportError) as refused:
        install(_responses())
    assert str(refused.value).startswith(
        f"lambdamock works alongside moto 5.1 or later, and this moto ({moto.__version__}) lacks what it wraps in "
        "moto.s3.responses: ")
    assert "S3Response" in str(refused.value)  # what is missing, in wrapt's words
    assert str(refused.value).endswith("Upgrade it: pip install 'moto>=5.1'")


def test_a_moto_with_what_is_wrapped_is_wrapped() -> None:
    module = _responses(put_object=lambda self: "stored")
    _moto._plainly(_moto._installer([("S3Response.put_object", _wrapper)]))(module)
    assert module.S3Response().put_object() == ("wrapped", "stored")
