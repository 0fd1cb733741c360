"""Password change and reset by email at Django's usual URLs, on GOV.UK pages (issue 13)."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from common.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-long-passphrase-42"


def test_a_signed_in_user_changes_their_password(commissioner):
    client = Client()
    client.force_login(commissioner)
    page = client.get("/accounts/password_change/")
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    response = client.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response["Location"] == "/accounts/password_change/done/"
    commissioner.refresh_from_db()
    assert commissioner.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert entry.actor == commissioner and NEW_PASSWORD not in str(entry.after) + entry.note
    assert "Your password has been changed" in client.get("/accounts/password_change/done/").content.decode()


def test_a_wrong_current_password_or_a_weak_new_one_is_named(commissioner):
    client = Client()
    client.force_login(commissioner)
    response = client.post("/accounts/password_change/", {
        "old_password": "wrong", "new_password1": "short", "new_password2": "short",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and 'href="#id_old_password"' in html
    assert "govuk-input--error" in html
    commissioner.refresh_from_db()
    assert commissioner.check_password(PASSWORD)


def test_every_signed_in_page_links_to_change_your_password(commissioner, bidder):
    for user in (commissioner, bidder):
        client = Client()
        client.force_login(user)
        assert 'href="/accounts/password_change/">Change your password</a>' in client.get("/").content.decode()
    page = Client()
    page.force_login(commissioner)
    assert "Set up an authenticator app" in page.get("/accounts/password_change/").content.decode()


def test_changing_the_password_needs_a_signed_in_user():
    assert Client().get("/accounts/password_change/")["Location"].startswith("/accounts/login/")


def test_a_user_resets_a_forgotten_password_by_email():
    user = UserFactory(username="fran", email="fran@council.example")
    client = Client()
    assert "Forgotten your password?" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password_reset/", {"email": "fran@council.example"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Reset your Homecare tenders password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "has expired or was already used" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email():
    response = Client().post("/accounts/password_reset/", {"email": "nobody@council.example"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_reset_requests_from_one_address_are_limited():
    UserFactory(username="fran", email="fran@council.example")
    client = Client()
    for _ in range(10):
        assert client.post("/accounts/password_reset/", {"email": "fran@council.example"}).status_code == 302
    refused = client.post("/accounts/password_reset/", {"email": "fran@council.example"})
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()
    assert len(mail.outbox) == 10


def test_the_default_email_backend_is_the_console_and_email_url_switches_to_smtp():
    import environ

    assert environ.Env.email_url_config("consolemail://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = environ.Env.email_url_config("smtp+tls://mailer:secret@smtp.council.example:587")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == ("smtp.council.example", 587, True)
