"""URL names that are public (no login). Any other view answers only to a logged-in user;
``tests/test_architecture.py`` walks every URL pattern and fails on a public view missing here."""

PUBLIC_URL_NAMES: set[str] = {
    "login",
    "healthz",
}
