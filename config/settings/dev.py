"""Local development and ``make demo``: embedded SQLite, debug pages, console e-mail."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("ATLASIA_DEBUG", default=True)
SECRET_KEY = env.str("ATLASIA_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ATLASIA_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# The demo accounts log in with their published password only; set ATLASIA_2FA_REQUIRED=True to try the
# two-factor enrolment of administrators on the demo.
ATLASIA_2FA_REQUIRED = env.bool("ATLASIA_2FA_REQUIRED", default=False)
