from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "trust"
    verbose_name = "Trust"

    def ready(self):
        from researchers.services.claims import identity_changed

        from .receivers import on_identity_changed

        identity_changed.connect(on_identity_changed, dispatch_uid="trust.identity_changed")
