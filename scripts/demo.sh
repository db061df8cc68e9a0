#!/usr/bin/env bash
# Starts Atlas IA with demo data on the embedded SQLite database, with the background worker.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.dev
$PY manage.py migrate --noinput
$PY manage.py load_demo
$PY manage.py db_worker --queue-name "*" >var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo
echo "Atlas IA : http://127.0.0.1:8000  (travaux de fond : var/worker.log ; Ctrl+C pour arrêter)"
$PY manage.py runserver 127.0.0.1:8000 --noreload
