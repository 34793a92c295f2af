#!/bin/sh
# Creates an AI whose answers go to ANSWER_URL and prints it, with its webhook_secret (shown once).
#   ./create-ai.sh ANSWER_URL [sales|support] [NAME]
set -eu
. "$(dirname "$0")/_common.sh"
[ $# -ge 1 ] || { echo "usage: $0 ANSWER_URL [sales|support] [NAME]" >&2; exit 2; }
parley POST /v1/ais "{\"type\":$(json_string "${2:-support}"),\"name\":$(json_string "${3:-Ada}"),\"webhooks\":{\"answer_url\":$(json_string "$1")}}"
