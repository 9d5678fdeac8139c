#!/bin/sh
# Picks the Nightshift service to run from the container's command.
set -eu
service="${1:-help}"
[ $# -gt 0 ] && shift
case "$service" in
  ticket-scanner|router|worktree-manager|session-runner|zombie-reaper|metrics-exporter|memory-consolidator)
    exec node "/app/apps/$service/dist/main.js" "$@" ;;
  nightshift|cli)
    exec node /app/apps/cli/dist/main.js "$@" ;;
  *)
    echo "usage: <service> [--config FILE]" >&2
    echo "services: ticket-scanner router worktree-manager session-runner zombie-reaper metrics-exporter memory-consolidator; or 'nightshift <command>'" >&2
    [ "$service" = help ] && exit 0
    exit 64 ;;
esac
