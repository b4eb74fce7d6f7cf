#!/bin/sh
# A command agent of the test server (agents/command-lines): prints each word of its first
# argument on a line of its own, 40 ms apart, so a run lasts long enough to be resumed or
# cancelled in the middle. Globbing is off: the words are a request's message.
set -f
for word in $1; do
  printf '%s\n' "$word"
  sleep 0.04
done
