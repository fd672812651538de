"""Objects shared between a test and the handlers it runs (handler code imports this module)."""

import threading
from typing import Any, Callable, Dict

barriers: Dict[str, threading.Barrier] = {}
events: Dict[str, threading.Event] = {}
calls: Dict[str, Callable[..., Any]] = {}
