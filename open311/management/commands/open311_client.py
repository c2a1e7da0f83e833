"""``manage.py open311_client create NAME``: a new Open311 client, its key printed once.

``revoke NAME`` refuses a client's key at once; ``list`` shows clients without their keys.
"""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from open311.models import DEFAULT_POST_RATE, Open311Client
from open311.services import client_create, client_revoke


class Command(BaseCommand):
    help = "Create (printing the key once), revoke or list Open311 clients."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="a new client; prints its api_key (shown only now)")
        create.add_argument("name")
        create.add_argument("--contact", default="", help="who answers for the client (email, phone)")
        create.add_argument("--rate", default=DEFAULT_POST_RATE, help=f"POST budget (default {DEFAULT_POST_RATE})")
        revoke = commands.add_parser("revoke", help="refuse the client's key from now on")
        revoke.add_argument("name")
        commands.add_parser("list", help="clients, without keys")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, name, contact, rate, **options):
        if Open311Client.objects.filter(name=name).exists():
            raise CommandError(f"An Open311 client named {name!r} already exists.")
        try:
            _client, key = client_create(name=name, contact=contact, post_rate=rate)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stderr.write(f"Open311 client {name!r} created. Its api_key (shown only now):")
        self.stdout.write(key)

    def _revoke(self, *, name, **options):
        client = Open311Client.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"No Open311 client named {name!r}.")
        client_revoke(client=client)
        self.stdout.write(f"Open311 client {name!r} revoked.")

    def _list(self, **options):
        for client in Open311Client.objects.all():
            state = "active" if client.is_active else "revoked"
            self.stdout.write(f"{client.name}\t{state}\t{client.post_rate}\t{client.key_prefix}…")
