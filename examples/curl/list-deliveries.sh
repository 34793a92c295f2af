#!/bin/sh
# Lists webhook deliveries, optionally only those pending, succeeded or failed.
#   ./list-deliveries.sh [pending|succeeded|failed]
# Retry a failed one with: curl -X POST "$PARLEY_URL/v2/deliveries/DELIVERY_ID/retry" -H "x-api-key: $PARLEY_KEY"
set -eu
. "$(dirname "$0")/_common.sh"
parley GET "/v2/deliveries${1:+?status=$1}"
