#!/bin/sh
# A command agent of the test server (agents/command-fail): one line on stdout, a complaint
# on stderr, exit status 3.
echo "started"
echo "something broke" >&2
exit 3
