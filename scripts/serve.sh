#!/usr/bin/env bash
# Web server (gunicorn, threaded workers) plus the task worker, kept running: a worker that dies (killed, out of
# memory) is started again under the same id, which takes back the job it held at once (gradadmit.core.jobs).
# The web server keeps serving meanwhile. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WEB_WORKERS=${WEB_WORKERS:-2}
WEB_THREADS=${WEB_THREADS:-8}
# Idle keep-alive connections stay open 75 s, longer than a load balancer's usual idle timeout (60 s): with
# gunicorn's default of 2 s, a request sent on a connection the server is just closing is lost (a POST is not
# retried), which the deadline-night load test saw as dropped connections at the busiest steps.
WEB_KEEPALIVE=${WEB_KEEPALIVE:-75}
WORKER_ID=${WORKER_ID:-"$(hostname)-worker-1"}

# Prometheus multiprocess mode (PROMETHEUS_MULTIPROC_DIR set): the workers' counters live in files summed at
# scrape time; the files of an earlier run must go before the workers start.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR" && find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete
fi

# The worker's supervisor: restart it whenever it exits, waiting a little longer after quick failures.
supervise_worker() {
  local delay=1
  trap 'kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' INT TERM
  while true; do
    local started=$SECONDS
    $BIN/python manage.py run_worker --queue-name default --worker-id "$WORKER_ID" --no-reload &
    child=$!
    set +e; wait "$child"; status=$?; set -e
    if (( SECONDS - started > 30 )); then delay=1; else delay=$(( delay < 30 ? delay * 2 : 30 )); fi
    echo "task worker exited with status $status; starting it again in ${delay}s" >&2
    sleep "$delay"
  done
}

supervise_worker &
worker=$!
$BIN/gunicorn gradadmit.wsgi --pythonpath src --worker-class gthread --workers "$WEB_WORKERS" \
  --threads "$WEB_THREADS" --keep-alive "$WEB_KEEPALIVE" --bind "$HOST:$PORT" --access-logfile - --logger-class gradadmit.core.logging.RedactingAccessLogger --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(M)sms' &
web=$!

stop() { kill "$worker" "$web" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT
echo "GradAdmit on http://$HOST:$PORT/ (worker $WORKER_ID, restarted if it dies). Ctrl-C stops both."
wait "$web"
