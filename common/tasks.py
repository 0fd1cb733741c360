"""Where a queued task runs: a Celery worker, the local server's background threads, or right here.

Three set-ups, one decision, made in `TaskBase.apply_async` (the base class of every task):

- a broker is configured (`CELERY_BROKER_URL`): the task goes to Celery as usual;
- no broker and `TASKS_RUN_IN_BACKGROUND` on (the default for `make run`): the task runs on a
  small thread pool inside the server process, once the current transaction commits, so the
  request returns at once and the report and CQC-import progress pages really show progress;
- no broker and `TASKS_RUN_IN_BACKGROUND` off (the test settings): Celery's eager mode runs it
  inside the caller, as before.

A background run goes through `Task.apply`, the same path as eager mode, so retries, soft time
limits and failure handling in the task behave as they do eagerly. Each thread closes its own
database connections when the task ends (Django's connections are per thread).
"""
from __future__ import annotations

import atexit
import logging
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from celery import Task
from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_pending: set[Future[Any]] = set()


def runs_in_background() -> bool:
    """True when queued tasks go to this process's thread pool: no broker, and the setting on."""
    return bool(getattr(settings, "TASKS_RUN_IN_BACKGROUND", False)) and not settings.CELERY_BROKER_URL


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            workers = int(getattr(settings, "TASKS_BACKGROUND_THREADS", 2))
            _executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="homecare-task")
            atexit.register(_executor.shutdown, wait=True)
        return _executor


def _run(task: Task, args: tuple[Any, ...], kwargs: dict[str, Any], task_id: str) -> Any:
    close_old_connections()
    try:
        result = task.apply(args=args, kwargs=kwargs, task_id=task_id, throw=False)
        if result.failed():
            logger.error("background task %s[%s] failed: %r", task.name, task_id, result.result)
        return result.result
    finally:
        connections.close_all()


def _submit(task: Task, args: tuple[Any, ...], kwargs: dict[str, Any], task_id: str, future: Future[Any]) -> None:
    with _lock:
        _pending.add(future)
    inner = _pool().submit(_run, task, args, kwargs, task_id)

    def _done(f: Future[Any]) -> None:
        exc = f.exception()
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(f.result())
        with _lock:
            _pending.discard(future)

    inner.add_done_callback(_done)


def run_in_background(task: Task, args: tuple[Any, ...] | None = None, kwargs: dict[str, Any] | None = None,
                      task_id: str | None = None) -> Future[Any]:
    """Run `task` on the thread pool once the current transaction commits (at once outside one).

    Returns a Future for the task's return value; a rolled-back transaction never starts it.
    """
    future: Future[Any] = Future()
    task_id = task_id or str(uuid.uuid4())
    transaction.on_commit(lambda: _submit(task, tuple(args or ()), dict(kwargs or {}), task_id, future))
    return future


def queue(task_path: str, *args: Any) -> Any:
    """Queue the task at a dotted path ("reports.tasks.generate_report") with these arguments.

    By name, so a service that queues its own app's task never imports the tasks module that
    imports the service (the services -> tasks cycle import-linter's layers contract forbids).
    """
    return import_string(task_path).delay(*args)


def wait_for_background_tasks(timeout: float = 30.0) -> None:
    """Block until every task handed to the pool so far has finished (for tests and shutdown)."""
    with _lock:
        futures = list(_pending)
    for f in futures:
        f.exception(timeout=timeout)


class TaskBase(Task):
    """Every task's base class (config/celery.py): sends it to the background pool when there is no broker."""

    def apply_async(self, args: Any = None, kwargs: Any = None, task_id: str | None = None, *a: Any,
                    **options: Any) -> Any:
        if runs_in_background():
            return run_in_background(self, args, kwargs, task_id)
        return super().apply_async(args, kwargs, task_id, *a, **options)
