#!/usr/bin/env bash
# instant-claude: the cheapest stand-in for the `claude` CLI, for the pipeline benchmark. It does what
# fake-claude.js does on its default path (edit nightshift-changes/<KEY>.md per `Ticket: KEY` line,
# print init / assistant / result stream-json) without Node's ~100 ms of start-up CPU, so the benchmark
# measures Nightshift rather than the agent. No directives: use fake-claude.js for behaviours.
set -euo pipefail
if [ "${1:-}" = auth ] && [ "${2:-}" = status ]; then
  printf '{"loggedIn": true, "authMethod": "claude.ai"}\n'
  exit 0
fi
prompt='' model='' print=''
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    -p|--print)
      # Like the real CLI: the prompt is the argument after -p, or stdin when there is none.
      if [ $# -gt 1 ] && [ "${2:0:1}" != - ]; then prompt="$2"; shift 2; else print=1; shift; fi ;;
    --model) model="${2:-}"; shift 2 ;;
    --output-format|--max-turns|--permission-mode|--session-id) shift 2 ;;
    *) shift ;;
  esac
done
if [ -n "${FAKE_CLAUDE_ARGV_LOG:-}" ]; then
  json_args=''
  for arg in "${args[@]}"; do
    arg=${arg//[\"\\]/_}
    json_args+="\"${arg//$'\n'/\\n}\","
  done
  # Builtins only (no `date`, no `$(cat)` subshell): every fork here would count as the director's CPU in the bench.
  now=$EPOCHREALTIME
  TZ=UTC printf -v at '%(%Y-%m-%dT%H:%M:%S)T' "${now%.*}"
  ms=${now#*.}
  printf '{"argv":[%s],"cwd":"%s","pid":%d,"model":"%s","at":"%s.%sZ"}\n' "${json_args%,}" "$PWD" "$$" "${model//[\"\\]/_}" "$at" "${ms:0:3}" >> "$FAKE_CLAUDE_ARGV_LOG"
fi
if [ -z "$prompt" ] && [ -n "$print" ] && [ ! -t 0 ]; then IFS= read -r -d '' prompt || true; fi
[ -n "$prompt" ] || { echo 'error: Input must be provided either through stdin or as a prompt argument when using --print' >&2; exit 2; }
[ -n "$model" ] || { echo 'error: --model <model> is required' >&2; exit 2; }
model=${model//[\"\\]/_}
session="instant-$$-$RANDOM"
printf '{"type":"system","subtype":"init","cwd":"%s","session_id":"%s","model":"%s","permissionMode":"acceptEdits"}\n' "$PWD" "$session" "$model"
keys=()
while IFS= read -r line; do
  if [[ "$line" =~ ^[[:space:]]*Ticket:[[:space:]]*([^[:space:]]+)[[:space:]]*$ ]]; then
    key=${BASH_REMATCH[1]//[^A-Za-z0-9._-]/-}
    key=${key##[.-]}
    [ -d nightshift-changes ] || mkdir nightshift-changes
    printf '# %s\n\nChanged by instant-claude (model: %s).\n' "$key" "$model" > "nightshift-changes/${key:-ticket}.md"
    keys+=("$key")
  fi
done <<< "$prompt"
usage='{"input_tokens":120,"output_tokens":60,"cache_creation_input_tokens":1000,"cache_read_input_tokens":5000}'
printf '{"type":"assistant","message":{"id":"msg_instant","type":"message","role":"assistant","model":"%s","content":[{"type":"text","text":"Edited %d file(s)."}],"usage":%s},"session_id":"%s"}\n' "$model" "${#keys[@]}" "$usage" "$session"
printf '{"type":"result","subtype":"success","is_error":false,"duration_ms":1,"num_turns":1,"result":"Made the change.","session_id":"%s","total_cost_usd":0.0051,"usage":%s}\n' "$session" "$usage"
