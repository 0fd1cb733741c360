"""Reports are set in the fonts shipped with the app, so a document is the same on every server.

An award report's SHA-256 is recorded when it is generated, and regenerating it from the same
evaluation must give the same bytes. Set in whatever fonts a server has installed, it did not:
on a machine without Liberation Sans the letters ran to two pages and regenerated reports
differed. The faces now come from reports/fonts through the PDF fetcher, which still serves
nothing else: no file, no web address.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from common.timezone import UK_TZ
from reports.building import award_report_context
from reports.pdf import AWARD_REPORT, FONTS_DIR, _fetcher, html_to_pdf, render_html
from reports.pdf import award_report_context as award_html_context
from tenders.models import Tender

ROOT = Path(__file__).resolve().parents[2]
GENERATED = datetime(2017, 4, 13, 10, 0, tzinfo=UK_TZ)
# The same layout in a process whose fontconfig knows no font at all (the shipped ones are all there is).
_RENDER_WITHOUT_SYSTEM_FONTS = """
import sys
from reports.pdf import html_to_pdf
sys.stdout.buffer.write(html_to_pdf(open(sys.argv[1], encoding="utf-8").read()))
"""


def _font_names(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])  # drop the subset tag
    return names


@pytest.fixture
def award_html(db):
    call_command("load_demo", stdout=StringIO())
    report = award_report_context(tender=Tender.objects.get(reference="LCC-REAB-2017"), generated_at=GENERATED,
                                  generated_by="Lena Legal (legal)")
    return render_html(AWARD_REPORT, award_html_context(report))


def test_the_award_report_is_set_only_in_the_shipped_faces(award_html):
    assert _font_names(html_to_pdf(award_html)) == {"Report-Sans", "Report-Sans-Bold", "Report-Mono"}


def test_without_any_font_installed_the_award_report_has_the_same_bytes(award_html, tmp_path):
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    (tmp_path / "report.html").write_text(award_html, encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _RENDER_WITHOUT_SYSTEM_FONTS, str(tmp_path / "report.html")],
                          cwd=ROOT, env=env, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout == html_to_pdf(award_html)


def test_the_fetcher_serves_the_shipped_fonts_and_data_but_no_file_or_address():
    fetcher = _fetcher()
    response = fetcher.fetch("report-font:LiberationSans-Regular.ttf")
    assert response.read() == (FONTS_DIR / "LiberationSans-Regular.ttf").read_bytes()
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    for url in ("report-font:../pdf.py", "report-font:/etc/passwd", "report-font:missing.ttf",
                f"file://{FONTS_DIR / 'LiberationSans-Regular.ttf'}", "http://127.0.0.1/font.ttf"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
