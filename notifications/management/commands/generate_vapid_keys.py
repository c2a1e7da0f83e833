"""A VAPID key pair for Web Push: printed for the environment file, or written once to a PEM file.

    manage.py generate_vapid_keys                 # prints PAKN_VAPID_PRIVATE_KEY=… and PAKN_VAPID_PUBLIC_KEY=…
    manage.py generate_vapid_keys --write FILE    # a PEM private key (mode 600); refuses to overwrite
    manage.py generate_vapid_keys --if-missing    # `make run`: writes PAKN_VAPID_KEY_FILE unless a key is set

A new pair makes every browser subscribe again: generate once per installation and keep it.
"""
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications.push import generate_private_key, private_key_pem, private_key_raw, public_key_of, vapid_keys


class Command(BaseCommand):
    help = "Tạo cặp khóa VAPID cho thông báo đẩy (Web Push)."

    def add_arguments(self, parser):
        parser.add_argument("--write", metavar="FILE", help="write the private key (PEM) to FILE")
        parser.add_argument("--if-missing", action="store_true",
                            help="write PAKN_VAPID_KEY_FILE only when no key is configured and the file is absent")

    def handle(self, *args, **options):
        if options["if_missing"]:
            return self._ensure()
        key = generate_private_key()
        if options["write"]:
            self._write(options["write"], key)
            return
        self.stdout.write(f"PAKN_VAPID_PRIVATE_KEY={private_key_raw(key)}")
        self.stdout.write(f"PAKN_VAPID_PUBLIC_KEY={public_key_of(key)}")

    def _ensure(self):
        if vapid_keys() is not None:
            self.stdout.write("Web Push: a VAPID key is configured.")
            return
        path = settings.PAKN_VAPID_KEY_FILE
        if not path:
            raise CommandError("Set PAKN_VAPID_KEY_FILE (or PAKN_VAPID_PRIVATE_KEY) to use --if-missing.")
        self._write(path, generate_private_key())

    def _write(self, path, key):
        if os.path.exists(path):
            raise CommandError(f"{path} exists; a new key would make every browser subscribe again.")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(private_key_pem(key))
        self.stdout.write(f"Web Push: VAPID key written to {path} (public key {public_key_of(key)}).")
