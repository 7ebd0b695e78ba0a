"""Receivers that keep claim evidence current when an account's emails or ORCID link change,
release an account's records when the account is deleted, revoke its API tokens when its
password changes, and point the Site row at SITE_URL after every migrate.

They only hand over to the claims service; the rules live there.
"""

from allauth.account.signals import email_confirmed, email_removed
from allauth.socialaccount.signals import social_account_added, social_account_removed, social_account_updated
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_migrate, post_save, pre_delete
from django.dispatch import receiver


def _refresh(user):
    from researchers.services.claims import claims_refresh_for_user

    if user is not None and user.pk:
        transaction.on_commit(lambda: claims_refresh_for_user(user=user))


@receiver(email_confirmed)
def on_email_confirmed(sender, request=None, email_address=None, **kwargs):
    _refresh(getattr(email_address, "user", None))


@receiver(email_removed)
def on_email_removed(sender, request=None, user=None, **kwargs):
    _refresh(user)


@receiver(social_account_added)
@receiver(social_account_updated)
def on_social_account_changed(sender, request=None, sociallogin=None, **kwargs):
    _refresh(getattr(getattr(sociallogin, "account", None), "user", None))


@receiver(social_account_removed)
def on_social_account_removed(sender, request=None, socialaccount=None, **kwargs):
    _refresh(getattr(socialaccount, "user", None))


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def on_user_deleted(sender, instance, **kwargs):
    # Before the cascade removes the account's claims, while they still say which records it held.
    from researchers.services.claims import claims_release_for_user

    claims_release_for_user(user=instance)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def on_user_saved(sender, instance, created=False, **kwargs):
    # `set_password()` leaves the new raw password in `_password` until `save()` has run the
    # validators' password_changed hooks: every path (allauth change and reset, the admin,
    # `changepassword`) ends here, so a token obtained with the old password dies with it.
    if not created and getattr(instance, "_password", None) is not None:
        from config.api_auth import api_tokens_revoke

        api_tokens_revoke(user_id=instance.pk)


@receiver(post_migrate)
def on_post_migrate(sender, app_config=None, using="default", **kwargs):
    # After the sites app made its example.com row (it migrates before us): allauth's mails and
    # the notification emails name and link this host, so it follows settings.SITE_URL.
    if app_config is None or app_config.name != "researchers":
        return
    from urllib.parse import urlsplit

    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or settings.SITE_URL
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain[:100], "name": settings.SITE_NAME[:50]},
    )
    Site.objects.clear_cache()
