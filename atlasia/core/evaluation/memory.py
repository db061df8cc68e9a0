"""Giving freed memory back to the system between the steps of a large evaluation.

NumPy allocates through the C library's ``malloc``. glibc serves a request above its *mmap threshold*
(128 KiB at start) with its own mapping, unmapped when freed — but each time such a block is freed the
threshold rises to that block's size (up to 32 MiB). After the first few MiB-sized temporaries of an
evaluation (a chunk converted by ``np.bincount``, a block of sorted scores) every later temporary of
that size comes from the heap, and a freed heap page goes back to the system only when it is at the top
of the heap. So the resident memory after a step depended on where its last temporaries happened to
lie: the peak of the same evaluation varied by tens of MiB between runs.

:func:`release` asks glibc to return every free page of its heaps (``malloc_trim(0)``) — a walk of the
free lists, well under a millisecond here — at the end of each step that made large temporaries, so
that the next step starts from the arrays still alive, not from what the previous one left. It changes
no allocator setting of the process (``mallopt`` would). Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

__all__ = ["release"]


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def release() -> None:
    """Return the C heap's free pages to the system (glibc ``malloc_trim``; a no-op elsewhere)."""
    if _TRIM is not None:
        _TRIM(0)
