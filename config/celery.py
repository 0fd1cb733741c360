"""Celery application; runs tasks eagerly unless CELERY_BROKER_URL is set."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Every task's base class decides where it runs: Celery, background threads, or eagerly.
app = Celery("homecare", task_cls="common.tasks:TaskBase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
