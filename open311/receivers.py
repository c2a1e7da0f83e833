"""The demo's Open311 client (``seed_demo``, under the demo users' guard)."""
from open311.models import Open311Client
from open311.services import client_create

DEMO_CLIENT_NAME = "Demo Open311"
# Published in PRODUCT.md like the demo users' password: a demo never runs where others can reach it.
DEMO_CLIENT_KEY = "demo-open311-2026"


def add_demo_client(sender, stdout=None, **kwargs):
    if Open311Client.objects.filter(name=DEMO_CLIENT_NAME).exists():
        return
    client_create(name=DEMO_CLIENT_NAME, contact="demo", key=DEMO_CLIENT_KEY)
    if stdout is not None:
        stdout.write(f"Open311 client {DEMO_CLIENT_NAME!r}, api_key {DEMO_CLIENT_KEY}.")
