"""Loaded by pytest before Django is set up (``-p tests.pytest_env``): the environment the tests run in.

Tests run with production defaults (DEBUG off) on purpose; they only need a host name and leave to
use the built-in secret key. DATABASE_URL and REDIS_URL pass through from the caller (CI sets them).
"""
import os

os.environ.setdefault("PAKN_ALLOW_INSECURE", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("PAKN_SUBMISSION_RATE", "1000/minute")
os.environ.setdefault("PAKN_CITIZEN_ACTION_RATE", "1000/minute")
os.environ.setdefault("PAKN_LOGIN_RATE", "1000/minute")
os.environ.setdefault("PAKN_PUBLIC_READ_RATE", "1000/minute")
