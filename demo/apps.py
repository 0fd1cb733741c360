from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The Lancashire demo data and its `load_demo` command: the top layer, which nothing else imports."""

    name = "demo"
    verbose_name = "Lancashire demo"
