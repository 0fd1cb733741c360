"""Existing API tokens were stored in clear: keep each one working, stored from now on as its digest."""
from django.db import migrations


def to_digests(apps, schema_editor):
    from accounts.tokens import stored_form

    Token = apps.get_model("authtoken", "Token")
    old = list(Token.objects.all())
    Token.objects.filter(pk__in=[t.pk for t in old]).delete()  # the key is the primary key: replace, not update
    Token.objects.bulk_create(Token(key=stored_form(t.key), user_id=t.user_id, created=t.created) for t in old)


def revoke_all(apps, schema_editor):
    """A digest cannot be turned back into its key: going back revokes every token (users ask for a new one)."""
    apps.get_model("authtoken", "Token").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token_proxy_shown_by_prefix"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(to_digests, revoke_all)]
