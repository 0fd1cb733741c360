"""Celery application; runs tasks eagerly unless CELERY_BROKER_URL is set."""
import os

from celery import Celery

# Production unless told otherwise: a worker (or gunicorn: importing config.wsgi runs this first)
# started without DJANGO_SETTINGS_MODULE must never get the local settings (DEBUG, SQLite, eager
# tasks). Production settings refuse to start without DATABASE_URL and CELERY_BROKER_URL instead.
# manage.py (local), pytest (test), bench and .ci/run's worker (test) set their own.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Every task's base class decides where it runs: Celery, background threads, or eagerly.
app = Celery("homecare", task_cls="common.tasks:TaskBase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
