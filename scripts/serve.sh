#!/usr/bin/env bash
# Production: migrations, static files, then the web server (gunicorn, config/gunicorn.conf.py) and the
# background worker (db_worker) with config.settings.prod on PostgreSQL. Stops both if either stops.
# Environment: docs/configuration.md; behind a reverse proxy: docs/deployment.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.prod}"
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
$PY manage.py check --deploy --fail-level ERROR
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v0
$PY manage.py db_worker --queue-name "*" &
WORKER=$!
"$VENV/bin/gunicorn" --config config/gunicorn.conf.py &
WEB=$!
stop() { kill -TERM "$WEB" "$WORKER" 2>/dev/null || true; wait "$WEB" "$WORKER" 2>/dev/null || true; }
trap 'stop; exit 0' INT TERM
echo "Atlas IA (production) : ${ATLASIA_BIND:-127.0.0.1:8000}, travailleur de fond pid $WORKER, serveur web pid $WEB"
# Whichever stops first (crash or signal), stop the other and report it.
set +e
wait -n "$WEB" "$WORKER"
status=$?
stop
exit "$status"
