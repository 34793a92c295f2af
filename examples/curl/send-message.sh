#!/bin/sh
# Hands Parley a prospect's message (V2); the answer goes to the AI's answer_url as a webhook.
#   ./send-message.sh AI_ID CONVERSATION_ID MESSAGE [EMAIL]
# Set IDEMPOTENCY_KEY to make a retry of this command safe (the same key returns the first response).
set -eu
. "$(dirname "$0")/_common.sh"
[ $# -ge 3 ] || { echo "usage: $0 AI_ID CONVERSATION_ID MESSAGE [EMAIL]" >&2; exit 2; }
contact=""
[ $# -ge 4 ] && contact=",\"contact\":{\"email\":$(json_string "$4")},\"channel\":\"email\""
body="{\"ai_id\":$(json_string "$1"),\"conversation_id\":$(json_string "$2"),\"message\":$(json_string "$3")$contact}"
if [ -n "${IDEMPOTENCY_KEY:-}" ]; then
  parley POST /v2/messages "$body" -H "Idempotency-Key: $IDEMPOTENCY_KEY"
else
  parley POST /v2/messages "$body"
fi
