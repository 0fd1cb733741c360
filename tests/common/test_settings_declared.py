"""Every setting the code reads is declared in config/settings/base.py (issue 18).

A setting read with `getattr(settings, "NAME", default)` and declared nowhere hides its default
in the code that reads it (PROVIDER_AUTO_APPROVE once defaulted to on that way). Django's and the
libraries' own settings are declared by them.
"""
from __future__ import annotations

import re
from pathlib import Path

from django.conf import global_settings

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "migrations", "node_modules", "static", "staticfiles", "media"}
READ = re.compile(r"""getattr\(\s*settings\s*,\s*["']([A-Z][A-Z0-9_]*)["']|\bsettings\.([A-Z][A-Z0-9_]*)\b""")
DECLARED = re.compile(r"^([A-Z][A-Z0-9_]*)\s*(?::[^=]+)?=", re.MULTILINE)


def _read_settings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP or path.parts[-3:-1] == ("config", "settings"):
            continue
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1) or match.group(2), []).append(str(path.relative_to(ROOT)))
    return found


def test_every_setting_the_code_reads_is_declared_in_base_settings():
    declared = set(DECLARED.findall((ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8")))
    assert {"PROVIDER_AUTO_APPROVE", "REPORT_AUTHORITY_NAME", "CQC_IMPORT_MAX_BYTES"} <= declared
    missing = {
        name: where for name, where in _read_settings().items()
        if name not in declared and not hasattr(global_settings, name)
    }
    assert missing == {}, "declare these in config/settings/base.py, each with a comment"


def test_each_project_setting_has_a_comment_saying_what_it_is_for():
    text = (ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8").splitlines()
    ours = {"PROVIDER_AUTO_APPROVE", "REPORT_AUTHORITY_NAME", "REPORT_AUTHORITY_ADDRESS", "REPORT_AUTHORITY_EMAIL",
            "REPORT_AUTHORITY_SIGNATORY_NAME", "REPORT_AUTHORITY_SIGNATORY_TITLE", "CQC_IMPORT_MAX_BYTES", "CQC_IMPORT_INLINE_MAX_BYTES",
            "TASKS_RUN_IN_BACKGROUND", "TASKS_BACKGROUND_THREADS", "BID_DOCUMENT_MAX_BYTES", "AUDIT_HMAC_KEY"}
    for number, line in enumerate(text):
        name = line.split("=")[0].split(":")[0].strip()
        if name in ours and "#" not in line:
            above = number - 1
            while DECLARED.match(text[above]):  # a group of settings under one comment
                above -= 1
            assert text[above].strip().startswith("#"), f"{name}: say what it is for in a comment"
