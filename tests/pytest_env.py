"""Loaded by pytest before Django is set up (``-p tests.pytest_env``): the environment the tests run in.

Tests run with production defaults (DEBUG off) on purpose; they only need a host name and leave to
use the built-in secret key, and speak plain http to the test client and to their own servers, so
the https guards are relaxed here (a test of the defaults runs `check --deploy` in a clean
environment). DATABASE_URL and REDIS_URL pass through from the caller (CI sets them).
"""
import os

os.environ.setdefault("PAKN_ALLOW_INSECURE", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("PAKN_ALLOW_CONSOLE_MESSAGES", "1")
os.environ.setdefault("PAKN_ALLOW_LOOPBACK_URL", "1")
os.environ.setdefault("PAKN_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("EMAIL_BACKEND", "notifications.email_backends.ConsoleEmailBackend")
os.environ.setdefault("PAKN_SMS_BACKEND", "notifications.sms.ConsoleSmsBackend")
os.environ.setdefault("PAKN_SUBMISSION_RATE", "1000/minute")
os.environ.setdefault("PAKN_CITIZEN_ACTION_RATE", "1000/minute")
os.environ.setdefault("PAKN_LOGIN_RATE", "1000/minute")
os.environ.setdefault("PAKN_LOOKUP_RATE", "1000/minute")
os.environ.setdefault("PAKN_PUBLIC_READ_RATE", "1000/minute")
