#!/bin/sh
# Polls a message until it is no longer queued or answering (at most about 30 s), then prints it.
#   ./poll-v1.sh CONVERSATION_ID MESSAGE_ID
set -eu
. "$(dirname "$0")/_common.sh"
[ $# -eq 2 ] || { echo "usage: $0 CONVERSATION_ID MESSAGE_ID" >&2; exit 2; }
# Ids are opaque: escape the characters a path cannot hold as they are (an email's @, a phone's +).
encode() { printf '%s' "$1" | sed -e 's/%/%25/g' -e 's/@/%40/g' -e 's/+/%2B/g' -e 's/ /%20/g' -e 's#/#%2F#g'; }
path="/v1/conversations/$(encode "$1")/messages/$(encode "$2")"
tries=0
while :; do
  result=$(parley GET "$path")
  case $result in
    *'"status":"queued"'* | *'"status":"answering"'*) ;;
    *) break ;;
  esac
  tries=$((tries + 1))
  [ "$tries" -lt 30 ] || { echo "still not answered: $result" >&2; exit 1; }
  sleep 1
done
printf '%s\n' "$result"
