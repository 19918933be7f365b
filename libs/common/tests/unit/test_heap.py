"""Settling a service's heap: what it imported is left alone, garbage cycles are still freed."""

from __future__ import annotations

import subprocess
import sys

# In a process of its own: settling changes the collector for the whole process.
SETTLED = """
import gc
import weakref

from mauzo_common import heap

heap.settle()
frozen = gc.get_freeze_count()


class Node:
    pass


freed = []
for _ in range(2 * heap.YOUNG_THRESHOLD):  # cycles only the collector can free
    a, b = Node(), Node()
    a.other, b.other = b, a
    weakref.finalize(a, freed.append, 1)
    del a, b
print(frozen, len(freed))
"""


def test_imports_are_frozen_and_later_cycles_still_collected_without_asking() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SETTLED], capture_output=True, text=True, check=True, timeout=60
    )
    frozen, freed = map(int, done.stdout.split())
    assert frozen > 1_000  # what the interpreter and the imports made
    assert freed > 0  # the collector ran by itself: nothing leaks for want of a collection
