"""Local development: DEBUG on by default, SQLite, eager Celery."""
import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F401,F403
