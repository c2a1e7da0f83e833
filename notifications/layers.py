"""The Redis channel layer for live updates: one publish per group, fanned out inside each process.

``channels_redis``' pub/sub layer publishes a group message once to Redis; every server process
subscribed to that group gets it once and hands it to each of its own sockets in the group. The
list-based layer (``RedisChannelLayer``) instead pushes one copy per socket through Redis, which
with a thousand inbox sockets costs a thousand writes and reads per change.

Two things are added. A message is decoded once per process rather than once per socket (the
sockets' consumers only read it). And losing Redis: The upstream receiver logs the error and keeps its dead
subscriptions, so sockets would stay open and hear nothing. Here the connection is dropped, every
socket of the process is told (its consumer stops and the server closes it, as the list-based
layer does) and the pages reconnect, subscribing afresh once Redis is back.
"""
import asyncio
import logging

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, RedisSingleShardConnection, _wrap_close
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)


class LayerLost(ConnectionError):
    """Redis went away under this socket's subscriptions."""


_LOST = object()


class _Shard(RedisSingleShardConnection):
    async def _do_receiving(self):
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
            except (RedisConnectionError, RedisTimeoutError, OSError):
                log.warning("live: lost Redis; closing this process's sockets so they reconnect")
                self._forget()
                return

    def _receive_message(self, message):
        """Decode a message once and hand the same object to every socket of the process it is for."""
        if message is None:
            return
        name = message["channel"]
        name = name.decode() if isinstance(name, bytes) else name
        layer = self.channel_layer
        targets = [name] if name in layer.channels else list(layer.groups.get(name, ()))
        if not targets:
            return
        decoded = layer.channel_layer.deserialize(message["data"])
        for channel in targets:
            queue = layer.channels.get(channel)
            if queue is not None:
                queue.put_nowait(decoded)

    def _forget(self):
        """Start again from nothing on the next use, and fail every socket waiting in this process."""
        redis, self._redis, self._pubsub, self._receive_task = self._redis, None, None, None
        self._subscribed_to = set()
        if redis is not None:
            asyncio.ensure_future(_quietly_close(redis))
        self.channel_layer.fail_all()


async def _quietly_close(redis):
    try:
        await redis.aclose(close_connection_pool=True)
    except Exception:  # already broken: nothing to release cleanly
        pass


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shards = [_Shard(shard.host, self) for shard in self._shards]
        self.lost = set()  # channels whose subscriptions went with Redis, not yet told

    def fail_all(self):
        """Every socket of the process stops: one waiting for a message gets the loss now, one busy
        elsewhere on its next receive (its subscriptions are gone either way)."""
        for queue in self.channels.values():
            queue.put_nowait(_LOST)
        self.lost |= set(self.channels)
        self.channels, self.groups = {}, {}

    async def receive(self, channel):
        if channel in self.lost:
            self.lost.discard(channel)
            raise LayerLost()
        if channel not in self.channels:
            await self._subscribe_to_channel(channel)
        return await _next(self.channels[channel], self, channel)  # already decoded, once for all its sockets


async def _next(queue, layer, channel):
    try:
        message = await queue.get()
    except (asyncio.CancelledError, asyncio.TimeoutError, GeneratorExit):
        if layer.channels.get(channel) is queue:  # the consumer is leaving: unsubscribe its channel
            del layer.channels[channel]
            try:
                await layer._get_shard(channel).unsubscribe(channel)
            except BaseException:
                log.exception("live: could not unsubscribe a closed socket's channel")
        raise
    if message is _LOST:
        layer.lost.discard(channel)
        raise LayerLost()
    return message


class PubSubChannelLayer(RedisPubSubChannelLayer):
    """``RedisPubSubChannelLayer`` that closes its sockets when Redis is lost (see the module)."""

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
        return layer
