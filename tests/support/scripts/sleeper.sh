#!/bin/sh
# A command agent of the test server (agents/command-sleep): prints its process id, which
# is its process group's id, then sleeps in the background and in the foreground, so a
# cancel has a group of three processes to take down.
echo "$$"
sleep 60 &
sleep 60
