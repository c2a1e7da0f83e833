"""Signals intake sends for apps it does not import."""
from django.dispatch import Signal

# Sent by ``seed_demo`` once the demo users exist (DEBUG on or --allow-demo-users): apps that
# need demo records of their own (the Open311 demo client) add them then.
demo_seeded = Signal()
