"""SnapStart's runtime hooks, run as the Python runtime runs them: those before the snapshot, then those after restore."""

from __future__ import annotations

from lambdamock.runtime.modules import Namespace

# The runtime's module of hooks (see runtime/provided), or the copy the code bundles.
MODULE = "snapshot_restore_py"


def run_hooks(namespace: Namespace) -> None:
    """Run the hooks the environment's code registered: before-snapshot ones last registered first (the runtime
    pops them), then after-restore ones in the order registered. A hook's exception is init's."""
    module = namespace.import_(MODULE)
    before = module.get_before_snapshot()
    while before:
        func, args, kwargs = before.pop()
        func(*args, **kwargs)
    for func, args, kwargs in module.get_after_restore():
        func(*args, **kwargs)
