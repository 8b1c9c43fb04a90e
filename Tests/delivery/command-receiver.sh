#!/bin/sh
# A command receiver for the delivery tests (Channel=exec): keeps the message it reads on
# standard input as DIRECTORY/N.json, then answers by the message's subject:
#   拒收  "no such group" on standard error, exit 1 (a refusal)
#   稍后  exit 75 the first time (EX_TEMPFAIL: try again later), 0 after
#   卡住  sleeps 30 s (longer than its TimeoutSec=)
# Usage: command-receiver.sh DIRECTORY
dir=$1
mkdir -p "$dir"
n=$(ls "$dir" | grep -c '\.json$')
file="$dir/$((n + 1)).json"
cat >"$file"
case $(cat "$file") in
    *拒收*) echo "no such group" >&2; exit 1 ;;
    *稍后*) if [ ! -e "$dir/later-seen" ]; then touch "$dir/later-seen"; exit 75; fi ;;
    *卡住*) sleep 30 ;;
esac
exit 0
