"""What the suite saw, printed as a report at the end of the run (tests/conftest.py), never asserted."""

# "METHOD /path" → status codes seen by the schemathesis fuzzing (tests/test_api_schemathesis.py).
SCHEMATHESIS_SEEN: dict[str, list[int]] = {}
