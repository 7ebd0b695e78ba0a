"""createsuperuser that needs only an email: people sign in with their email, never a username.

`createsuperuser --noinput` with DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD uses the
email as the username (Django's admin login form asks for the username, so the email works there),
and marks the email verified for allauth, so the same account can sign in on the site too.
"""

import os

from allauth.account.models import EmailAddress
from django.contrib.auth.management.commands import createsuperuser


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        username_field = self.UserModel.USERNAME_FIELD
        email = options.get("email") or os.environ.get("DJANGO_SUPERUSER_EMAIL")
        if (not options["interactive"] and not options.get(username_field) and email
                and not os.environ.get(f"DJANGO_SUPERUSER_{username_field.upper()}")):
            options[username_field] = email
        super().handle(*args, **options)
        if email:
            user = self.UserModel._default_manager.db_manager(options["database"]).filter(email__iexact=email,
                                                                                           is_superuser=True).first()
            if user is not None:
                EmailAddress.objects.update_or_create(user=user, email=user.email,
                                                      defaults={"verified": True, "primary": True})
