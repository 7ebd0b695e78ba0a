from django.apps import AppConfig


class CliConfig(AppConfig):
    """Management commands that replace Django's own; listed before django.contrib.auth so they win."""

    name = "config.cli"
    label = "bzpeer_cli"
