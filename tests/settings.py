"""Test settings: the real settings with fast, deterministic overrides."""

import os

from ats.settings import *  # noqa: F403
from ats.settings import BASE_DIR, CACHES, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Read once at import by django-q2: tasks run in the calling process.
Q_CLUSTER = {"name": "ats-test", "orm": "default", "sync": True, "timeout": 60, "retry": 120}
# The site's own cache (the database cache without REDIS_URL): the test runner makes its table.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ats_cache"},
    "local": CACHES["local"],  # emptied before each test (conftest)
}
ACCOUNT_RATE_LIMITS = False
# Live updates stay off unless a test turns them on (tests/core/test_live.py, or a server it starts):
# the suite behaves alike with REDIS_URL set, as in CI, or not.
CHANNEL_LAYERS = {}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: browser tests' live server and the worker test share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}

# Static files come from the app folders (no collectstatic in tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
