#!/usr/bin/env python3
"""bench/run-all's quantile of one-at-a-time samples (benchlib.scenarios._pct): nearest rank,
so that the p99 of 100 requests is the 99th of them, not the slowest."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))

from benchlib.scenarios import _pct  # noqa: E402

hundred = list(range(100, 0, -1))  # 1..100, unsorted
cases = [
    (_pct(hundred, 0.99), 99),     # the 99th of 100, not the largest
    (_pct(hundred, 0.5), 50),      # the 50th: half of them do not exceed it
    (_pct(hundred, 1.0), 100),
    (_pct(hundred, 0.001), 1),
    (_pct(list(range(1, 31)), 0.99), 30),  # of 30, the p99 is the largest
    (_pct([7.5], 0.99), 7.5),
    (_pct([3, 1, 2], 0.5), 2),
]
failed = [(i, got, want) for i, (got, want) in enumerate(cases) if got != want]
for i, got, want in failed:
    print(f"case {i}: got {got}, want {want}")
sys.exit(1 if failed else 0)
