#!/bin/sh
# The `shout` agent of examples/local.json: prints its message back one word per line,
# upper-cased, a tenth of a second apart (each line becomes a RunContent event).
for word in $1; do
  echo "$word" | tr '[:lower:]' '[:upper:]'
  sleep 0.1
done
