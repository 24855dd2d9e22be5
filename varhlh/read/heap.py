"""Heap headroom for the streamed scan: keep freed memory for reuse instead of handing it back at every piece.

The scan of an unindexed WGS file inflates ~760 MB of text in pieces of a few MiB, in worker threads. With glibc's
default top pad (128 KiB), each freed piece shrinks its thread's heap and the next one is paged in afresh: ~190,000
page faults and ~0.5 s of system time on the benchmark's 120-MiB file (about a quarter of the whole run). A top pad
of a few pieces keeps that memory mapped between pieces (~24,000 faults, ~0.15 s; peak RSS ~25 MiB higher).

Only glibc's ``mallopt`` is used, through ctypes, and only for the scan's duration: the pad is set back to glibc's
default when the scan ends (glibc cannot be asked for the value it had, so a ``MALLOC_TOP_PAD_`` given in the
environment is replaced by the default too). Elsewhere (another C library, no ``mallopt``) this is a no-op. One
scan runs at a time in a process (the reader streams one input), so the setting is never nested. A side effect
of any ``mallopt`` call on glibc: its dynamic mmap threshold stops adapting for the rest of the process (it stays
at the value it had reached) — a speed matter only, never a result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

M_TOP_PAD = -2
"""glibc's mallopt parameter number for the top pad (malloc.h)."""
DEFAULT_TOP_PAD = 128 * 1024
"""glibc's default top pad (mallopt(3))."""


def _mallopt() -> Callable[[int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function: Callable[[int, int], int] = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library handle, or one without mallopt
        return None
    return function


@contextmanager
def heap_headroom(pad: int) -> Iterator[None]:
    """Keep ``pad`` bytes of freed heap mapped at the top of each heap while inside; glibc's default after."""
    mallopt = _mallopt()
    if mallopt is None or not mallopt(M_TOP_PAD, pad):
        yield
        return
    try:
        yield
    finally:
        mallopt(M_TOP_PAD, DEFAULT_TOP_PAD)
