#!/usr/bin/env python3
"""The suite runs every Catch2 test case it has: each one is exactly one CTest entry.

catch_discover_tests registers a CTest entry per test case name. A name that CMake splits
(a ';' in it) or that Catch2 cannot match as a test spec becomes entries that match nothing
and used to "pass" without running. This check lists the test cases each Catch2 binary holds
(--list-test-names-only) and the CTest entries that run that binary with a test spec, and
fails unless they are the same names, one entry each.

Usage: check_test_list.py BUILD_DIR CATCH_BINARY...
"""
import json
import subprocess
import sys
from collections import Counter


def unescape_spec(spec: str) -> str:
    # CatchAddTests escapes ',', '[' and ']' with a backslash in the spec it passes.
    for ch in ",[]":
        spec = spec.replace("\\" + ch, ch)
    return spec


def main() -> int:
    build, binaries = sys.argv[1], sys.argv[2:]
    listing = subprocess.run(["ctest", "--show-only=json-v1"], cwd=build, check=True,
                             capture_output=True, text=True).stdout
    entries = json.loads(listing)["tests"]
    problems = []
    total_cases = total_entries = 0
    for exe in binaries:
        out = subprocess.run([exe, "--list-test-names-only"], capture_output=True, text=True)
        cases = Counter(line for line in out.stdout.splitlines() if line.strip())
        # Entries that run this binary with a test spec (not whole-binary entries such as
        # integration_postgres, which runs every case of integration_test at once).
        specs = Counter()
        for e in entries:
            cmd = e.get("command") or []
            if len(cmd) >= 2 and cmd[0] == exe:
                specs[unescape_spec(cmd[1])] += 1
                if unescape_spec(cmd[1]) != e["name"]:
                    problems.append(f"{exe}: entry '{e['name']}' runs spec '{cmd[1]}'")
        total_cases += sum(cases.values())
        total_entries += sum(specs.values())
        for name in cases:
            bad = [c for c in ";\\" if c in name]
            if bad or name != name.strip():
                problems.append(f"{exe}: test case '{name}' has a character CTest or Catch2 "
                                f"treat specially ({''.join(bad) or 'leading/trailing space'})")
            if specs[name] != 1:
                problems.append(f"{exe}: test case '{name}' has {specs[name]} CTest entries")
        for spec in specs:
            if spec not in cases:
                problems.append(f"{exe}: CTest entry '{spec}' matches no test case")
    print(f"Catch2 test cases: {total_cases}; CTest entries running them: {total_entries}")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems or total_cases != total_entries else 0


if __name__ == "__main__":
    sys.exit(main())
