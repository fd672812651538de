"""SnapStart's runtime hooks, run as the Python runtime runs them: those before the snapshot, then those after restore."""

from __future__ import annotations

from lambdamock.runtime.modules import Namespace

# The runtime's module of hooks (see runtime/provided), or the copy the code bundles.
MODULE = "snapshot_restore_py"


def before_snapshot(namespace: Namespace) -> None:
    """Run the before-snapshot hooks the environment's code registered, last registered first (the runtime pops
    them). A hook's exception propagates (see Environment._snapshot_hooks)."""
    before = namespace.import_(MODULE).get_before_snapshot()
    while before:
        func, args, kwargs = before.pop()
        func(*args, **kwargs)


def after_restore(namespace: Namespace) -> None:
    """Run the after-restore hooks in the order registered. A hook's exception propagates, and fails the restore."""
    for func, args, kwargs in namespace.import_(MODULE).get_after_restore():
        func(*args, **kwargs)
