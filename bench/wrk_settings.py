"""Settings for bench/profile_wrk.py: production settings, with the hello-world URLconf.

Plain HTTP on loopback, so the HTTPS redirect and secure cookies are off here.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import BASE_DIR

ROOT_URLCONF = "bench.wrk_urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
STATIC_ROOT = BASE_DIR / "var" / "bench-static"
