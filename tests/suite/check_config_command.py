#!/usr/bin/env python3
"""`runcast check-config FILE` exits with the expected code and prints the expected text.

Usage: check_config_command.py RUNCAST_BIN FILE EXPECTED_EXIT EXPECTED_TEXT
Runs `RUNCAST_BIN check-config FILE` (30 s at most) and fails unless it exits with
EXPECTED_EXIT and EXPECTED_TEXT occurs in what it printed (stdout and stderr).
"""
import subprocess
import sys


def main() -> int:
    binary, path, expected_exit, expected_text = sys.argv[1:5]
    run = subprocess.run([binary, "check-config", path], capture_output=True, text=True,
                         timeout=30)
    output = run.stdout + run.stderr
    print(output, end="")
    if run.returncode != int(expected_exit):
        print(f"FAIL: exit {run.returncode}, expected {expected_exit}")
        return 1
    if expected_text not in output:
        print(f"FAIL: output lacks {expected_text!r}")
        return 1
    print(f"exit {run.returncode} and {expected_text!r} as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
