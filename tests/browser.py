"""Helpers shared by the Playwright tests (the fixtures themselves live in tests/conftest.py)."""

import re
import time

# Every factory user's password (tests/factories.py UserFactory).
PASSWORD = "correct horse battery"


def log_in(page, live_server, user, next_path="/"):
    """Sign in through the real login form and wait for the redirect to ``next_path``."""
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(live_server.url + next_path) + r"$"))


def wait_until(page, expression, timeout_ms=15_000):
    """Poll a page expression with page.evaluate: Playwright's wait_for_function evals its predicate
    inside the page, which the site's Content-Security-Policy (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(100)
