"""Production: secrets required, HTTPS enforced, hashed static files.

`manage.py check --deploy` prints no warnings with the required environment set
(tests/test_limits_production_settings.py).
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# HTTPS. Behind a TLS-terminating proxy, set DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO:
# the header is trusted only when the deployment says a proxy sets it, since a client talking to
# gunicorn directly could otherwise claim HTTPS by sending it.
_proxy_header = env("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SITE_URL = env("SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}").rstrip("/")
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True

STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
