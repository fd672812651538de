"""Running Python handlers in-process: execution environments, context, logs, errors, timeouts."""

from lambdamock.runtime.runtime import Runtime
from lambdamock.runtime.spec import FunctionSpec, InvocationResult, LayerSpec, Threads

__all__ = ["FunctionSpec", "InvocationResult", "LayerSpec", "Runtime", "Threads"]
