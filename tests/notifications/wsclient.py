"""A minimal asyncio WebSocket client (RFC 6455: handshake, text frames, ping, close) for talking
to a real ASGI server in the multi-process test and in bench/live.py. The browser is the real client."""
import asyncio
import base64
import hashlib
import json
import os
import struct

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class HandshakeRefused(Exception):
    pass


class WebSocketClient:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.close_code = None

    @classmethod
    async def connect(cls, host, port, path, headers=()):
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16))
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key.decode()}", "Sec-WebSocket-Version: 13",
                 *[f"{name}: {value}" for name, value in headers]]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin1"))
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0]
        expected = base64.b64encode(hashlib.sha1(key + _GUID).digest())
        if b" 101 " not in status + b" " or expected not in head:
            writer.close()
            raise HandshakeRefused(status.decode("latin1"))
        return cls(reader, writer)

    async def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(header + mask + masked)
        await self.writer.drain()

    async def send_json(self, data):
        await self._send_frame(0x1, json.dumps(data).encode())

    async def _read_frame(self):
        first, second = await self.reader.readexactly(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
        mask = await self.reader.readexactly(4) if second & 0x80 else None
        payload = await self.reader.readexactly(length)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return first & 0x80, first & 0x0F, payload

    async def recv(self):
        """The next text message; None once the server closed (``close_code`` says why)."""
        parts = []
        while True:
            fin, opcode, payload = await self._read_frame()
            if opcode == 0x8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                return None
            if opcode == 0x9:
                await self._send_frame(0xA, payload)
                continue
            if opcode in (0x1, 0x2, 0x0):
                parts.append(payload)
                if fin:
                    return b"".join(parts).decode()

    async def recv_json(self, timeout=5):
        text = await asyncio.wait_for(self.recv(), timeout)
        return None if text is None else json.loads(text)

    async def close(self):
        try:
            await self._send_frame(0x8, struct.pack("!H", 1000))
        except (ConnectionError, RuntimeError):
            pass
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass
