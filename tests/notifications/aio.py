"""Run an async test scenario on its own event loop in its own thread.

The main thread may already host a running loop (Playwright's sync API leaves one behind), where
``async_to_sync`` and ``asyncio.run`` refuse to work; a fresh thread has none.
"""
import asyncio
import threading

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections


def run_scenario(scenario, *, timeout=120):
    outcome = {}

    async def scenario_then_close():
        try:
            return await scenario()
        finally:
            # The thread that ran the database work keeps its connections otherwise, and the Redis
            # layer keeps a blocking read open that would hold up the loop's shutdown.
            await sync_to_async(connections.close_all)()
            layer = get_channel_layer()
            if hasattr(layer, "close_pools"):
                await layer.close_pools()

    def target():
        try:
            outcome["value"] = asyncio.run(scenario_then_close())
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc
    thread = threading.Thread(target=target, name="scenario", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError("the scenario did not finish")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
