"""The user commands of `manage.py` that also write the audit trail.

An app of its own, listed before django.contrib.auth in INSTALLED_APPS, because Django takes a
management command from the earliest app that has it; `accounts` itself must stay after the
apps whose admin registrations it replaces.
"""
from django.apps import AppConfig


class AccountsCliConfig(AppConfig):
    name = "accounts.cli"
    label = "accounts_cli"
    verbose_name = "Accounts: command-line user changes, audited"
