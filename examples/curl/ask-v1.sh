#!/bin/sh
# Asks a question the V1 way (no webhook needed); prints {conversation_id, message_id, status}.
#   ./ask-v1.sh QUESTION [AI_ID]   (AI_ID may be left out when you have exactly one support AI)
set -eu
. "$(dirname "$0")/_common.sh"
[ $# -ge 1 ] || { echo "usage: $0 QUESTION [AI_ID]" >&2; exit 2; }
ai=""
[ $# -ge 2 ] && ai=",\"ai_id\":$(json_string "$2")"
parley POST /v1/conversations "{\"question\":$(json_string "$1")$ai}"
