#!/usr/bin/env python3
"""The runnable examples in docs/architecture.md compile against today's headers.

Extracts every ```cpp block of the page into one translation unit (with the runnable API's
headers) and asks the compiler for a syntax-only pass, so the page cannot drift from the
code it documents.

Usage: check_doc_examples.py SOURCE_DIR CXX
"""
import pathlib
import re
import subprocess
import sys
import tempfile

HEADERS = """#include "actors/run_context.hpp"
#include "actors/runnable_actor.hpp"
#include "actors/runnable_registry.hpp"
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <caf/all.hpp>
"""


def main() -> int:
    root, cxx = pathlib.Path(sys.argv[1]), sys.argv[2]
    page = (root / "docs" / "architecture.md").read_text()
    blocks = re.findall(r"```cpp\n(.*?)```", page, re.S)
    if not blocks:
        print("FAIL: docs/architecture.md has no C++ examples")
        return 1
    with tempfile.NamedTemporaryFile("w", suffix=".cpp") as tu:
        tu.write(HEADERS + "\n".join(blocks))
        tu.flush()
        result = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", "-I", str(root), tu.name],
                                capture_output=True, text=True)
    print(f"{len(blocks)} examples from docs/architecture.md")
    if result.returncode != 0:
        print(result.stderr[-4000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
