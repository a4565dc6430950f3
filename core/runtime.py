"""Process helpers shared by the layers that make or read millions of terms."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable

Progress = Callable[[str, int, int], None]  # (step description, done, total)


@contextlib.contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector while millions of records, tuples and strings are made: its
    full collections rescan them all and cost about 40% of the time; nothing made here forms cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Background(threading.Thread):
    """Run `work(*args, **kwargs)` in a thread; `result()` waits and re-raises its error. Worth it for
    Oxigraph calls, which release the GIL while Python keeps working."""

    def __init__(self, work, *args, **kwargs) -> None:
        super().__init__(daemon=True)
        self._call = (work, args, kwargs)
        self._error: BaseException | None = None
        self._value = None
        self.start()

    def run(self) -> None:
        work, args, kwargs = self._call
        self._call = None  # hold no reference past the work: a store must close when its owner drops it
        try:
            self._value = work(*args, **kwargs)
        except BaseException as error:  # handed to the caller by result()
            self._error = error
        finally:
            del work, args, kwargs

    def result(self):
        self.join()
        if self._error is not None:
            raise self._error
        return self._value


__all__ = ["Background", "Progress", "paused_gc"]
