#!/usr/bin/env python3
"""No line of the project's C++ is longer than 100 columns: the width every file keeps, so
that two files read side by side and a diff reads without wrapping.

Reads every .cpp/.hpp/.h under the source folders (build trees and node_modules are not
sources) and fails on a line past the limit, naming each. Counts characters, not bytes, so
a "µs" in a comment is one column.

Usage: check_line_length.py SOURCE_DIR
"""
import pathlib
import sys

LIMIT = 100
FOLDERS = ["actors", "api", "app", "bench", "cluster", "core", "examples", "fuzz", "http",
           "include", "persistence", "runnables", "runtime", "tests", "web"]


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    problems, checked = [], 0
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in {".hpp", ".cpp", ".h"} or "node_modules" in path.parts:
                continue
            checked += 1
            for number, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if len(text) > LIMIT:
                    problems.append(f"{path.relative_to(root)}:{number}: {len(text)} columns")
    for p in problems:
        print(p)
    print(f"{checked} files, {len(problems)} lines longer than {LIMIT} columns")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
