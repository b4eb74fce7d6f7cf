#!/usr/bin/env python3
"""The module line holds: app -> api -> http -> runtime -> runnables -> cluster -> actors -> persistence -> core.

Reads every #include "module/..." line of the sources and fails on one that goes up the
line (a module including one that stands before it), or on http/ including anything but
runtime/ and core/ (the HTTP layer sees the runtime's plain C++ face only, never CAF or the
store). docs/architecture.md draws the same line; this check keeps it from rotting.

Usage: check_includes.py SOURCE_DIR
"""
import pathlib
import re
import sys

LINE = ["app", "api", "http", "runtime", "runnables", "cluster", "actors", "persistence", "core"]
# Modules a module may include besides itself, where that is narrower than "everything below".
ONLY = {"http": {"runtime", "core"}}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def allowed(module: str, target: str) -> bool:
    if module == target:
        return True
    if module in ONLY:
        return target in ONLY[module]
    return LINE.index(target) > LINE.index(module)


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    problems, checked = [], 0
    for module in LINE:
        for path in sorted((root / module).rglob("*")):
            if path.suffix not in {".hpp", ".cpp", ".h", ".cc"}:
                continue
            for number, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(text)
                if not m or m.group(1) not in LINE:
                    continue
                checked += 1
                if not allowed(module, m.group(1)):
                    problems.append(f"{path.relative_to(root)}:{number}: {module}/ may not include "
                                    f"{m.group(1)}/ ({text.strip()})")
    print(f"checked {checked} includes of {' -> '.join(LINE)}")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
