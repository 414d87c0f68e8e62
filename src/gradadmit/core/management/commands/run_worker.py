"""The task worker: django-tasks' database worker plus a heartbeat, the sweeper and the schedule (core.jobs)."""

import logging
import threading

from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from gradadmit.core import clock, jobs

log = logging.getLogger("gradadmit.worker")


class DurableWorker(Worker):
    """Runs tasks like django-tasks' worker; a side thread beats, sweeps lost tasks and keeps the schedule."""

    def __init__(self, *, schedule: bool, **kwargs):
        super().__init__(**kwargs)
        self.schedule = schedule
        self.started_at = clock.now()
        self._stop = threading.Event()

    def maintain_once(self) -> None:
        jobs.beat(self.worker_id, self.started_at)
        jobs.requeue_lost_tasks(sweeper=self.worker_id)
        if self.schedule:
            jobs.run_schedule(worker_id=self.worker_id)

    def _maintain(self) -> None:
        try:
            while not self._stop.wait(jobs.heartbeat_interval()):
                try:
                    self.maintain_once()
                except Exception:  # a locked or briefly unreachable database: beat again next time
                    log.exception("worker maintenance failed; trying again")
                    close_old_connections()
        finally:
            connection.close()

    def run(self) -> None:
        # A worker started under the id of one that died takes its tasks back at once (no need to wait the lease).
        jobs.requeue_lost_tasks(restarted_worker=self.worker_id)
        self.maintain_once()
        thread = threading.Thread(target=self._maintain, name="worker-maintenance", daemon=True)
        thread.start()
        try:
            super().run()
        finally:
            self._stop.set()
            thread.join(timeout=5)
            jobs.retire(self.worker_id)


class Command(DatabaseWorkerCommand):
    help = "Run the task worker (heartbeat, lost-task sweeper and schedule included). Several may run at once."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Idle, look for work every 0.2 s rather than django-tasks' 1 s: a job queued to an idle worker waited 0.5 s
        # on average before it started (bench/bench_queue.py); the cost is a few indexed reads a second.
        parser.set_defaults(interval=0.2)
        parser.add_argument("--no-schedule", action="store_false", dest="schedule", help="Don't keep the schedule.")

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, schedule, **options):  # fmt: skip
        self.configure_logging(verbosity)
        worker = DurableWorker(
            queue_names=queue_name.split(","), interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id, schedule=schedule and not batch,
        )  # fmt: skip
        worker.configure_signals()
        worker.run()
