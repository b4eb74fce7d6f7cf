#!/usr/bin/env python3
"""Every public name of the installed API (include/runcast/*.hpp) has a /// comment.

A declaration starts a statement at namespace or class scope: a struct, class, alias,
function, member or constant. It must be preceded by a /// comment (a `template <…>` line
may stand between), or carry a trailing ///< comment. Not checked: forward declarations
(`class engine;`, and anything inside `namespace caf` / `boost`), private members, deleted or defaulted special members,
function bodies, and macro lines (`CAF_…`).

Usage: check_public_docs.py INCLUDE_RUNCAST_DIR
"""
import pathlib
import re
import sys

SKIP_START = ("//", "#", "}", "namespace", "public:", "protected:", "template", "CAF_",
              "friend", "{")


def undocumented(path):
    lines = path.read_text().splitlines()
    problems = []
    private = False
    body_depth = 0          # inside a function body or an initializer: not declarations
    foreign = 0             # inside `namespace caf {` or another library's namespace
    depth = 0
    previous = ""           # the previous non-blank line, stripped
    statement_open = False  # the previous line did not end a statement
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        opens, closes = line.count("{"), line.count("}")
        if body_depth > 0:
            body_depth += opens - closes
            previous = line
            continue
        if re.match(r"namespace (caf|boost)", line):
            foreign += 1
        if line.startswith("} // namespace") and foreign and re.search(r"(caf|boost)", line):
            foreign -= 1
        if line in ("private:",):
            private = True
        elif line in ("public:", "protected:"):
            private = False
        if line.startswith("};"):
            private = False  # the class ended
        starts = not statement_open and not line.startswith(SKIP_START)
        if starts and not foreign and not private and "= delete" not in line \
                and "= default" not in line:
            doc = (previous.startswith("///") or previous.startswith("template")
                   or "///<" in line or re.fullmatch(r"(class|struct) \w+;", line))
            if not doc:
                problems.append(f"{path.name}:{number}: no /// comment: {line}")
        # A function body or a braced initializer that does not end on this line.
        if ")" in line and line.endswith("{") and not line.startswith(("struct", "class")):
            body_depth = 1
        statement_open = not (line.endswith((";", "{", "}", ":")) or line.startswith(("//", "#"))
                              or line.endswith("*/"))
        if line.startswith("///"):
            statement_open = False
        previous = line
    return problems


def main():
    root = pathlib.Path(sys.argv[1])
    headers = sorted(root.glob("*.hpp"))
    if not headers:
        print(f"no headers in {root}")
        return 1
    problems = [p for h in headers for p in undocumented(h)]
    for p in problems:
        print(p)
    print(f"{len(headers)} public headers, {len(problems)} undocumented names")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
