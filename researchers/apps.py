from django.apps import AppConfig


class ResearchersConfig(AppConfig):
    name = "researchers"
    verbose_name = "Researchers"

    def ready(self):
        from . import signals  # noqa: F401  (connects the allauth and account-deletion receivers)
