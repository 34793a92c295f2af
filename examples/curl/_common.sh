# Sourced by the other scripts: checks the settings and defines the helpers they share.
: "${PARLEY_URL:?Set PARLEY_URL, e.g. http://localhost:3000}"
: "${PARLEY_KEY:?Set PARLEY_KEY to your API key}"
PARLEY_URL=${PARLEY_URL%/}

# A shell string as a JSON string (quotes, backslashes and newlines escaped).
json_string() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g')"
}

# parley METHOD PATH [JSON BODY] [extra curl args…]: prints the response body; fails on 4xx/5xx.
parley() {
  method=$1 path=$2
  shift 2
  if [ $# -gt 0 ]; then
    body=$1
    shift
    curl -sS --fail-with-body -X "$method" "$PARLEY_URL$path" -H "x-api-key: $PARLEY_KEY" \
      -H 'content-type: application/json' -d "$body" "$@"
  else
    curl -sS --fail-with-body -X "$method" "$PARLEY_URL$path" -H "x-api-key: $PARLEY_KEY"
  fi
  echo
}
