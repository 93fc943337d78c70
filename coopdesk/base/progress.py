"""How long work reports progress and notices that the person cancelled it."""

from __future__ import annotations

from collections.abc import Callable

# progress(done, total): called as work goes on.
Progress = Callable[[int, int], None]
# cancelled(): True once the person asked to stop; the work then raises and rolls back.
Cancelled = Callable[[], bool]
