"""lambdamock's own calls to other AWS services: the one gate, and what goes through it (destinations, logs)."""

from lambdamock.outbound.gate import Outbound, Unreachable

__all__ = ["Outbound", "Unreachable"]
