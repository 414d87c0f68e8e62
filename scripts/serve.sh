#!/usr/bin/env bash
# Web server (gunicorn, threaded workers) plus the task worker; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WEB_WORKERS=${WEB_WORKERS:-2}
WEB_THREADS=${WEB_THREADS:-8}

# Prometheus multiprocess mode (PROMETHEUS_MULTIPROC_DIR set): the workers' counters live in files summed at
# scrape time; the files of an earlier run must go before the workers start.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR" && find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete
fi

$BIN/python manage.py db_worker --queue-name default &
worker=$!
$BIN/gunicorn gradadmit.wsgi --pythonpath src --worker-class gthread --workers "$WEB_WORKERS" \
  --threads "$WEB_THREADS" --bind "$HOST:$PORT" --access-logfile - --logger-class gradadmit.core.logging.RedactingAccessLogger --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(M)sms' &
web=$!

stop() { kill "$worker" "$web" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT
echo "GradAdmit on http://$HOST:$PORT/ (worker pid $worker). Ctrl-C stops both."
wait -n "$worker" "$web"
