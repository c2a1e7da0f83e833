"""WebSocket consumers: the staff inbox and the submitter's own case.

Close codes (sent after accepting, so a browser sees them): 4401 not signed in, 4403 signed in but
holding no role, 4404 no such submission or a wrong private key.
"""
import json
from collections import OrderedDict, deque
from functools import lru_cache
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.consumer import get_handler_name
from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from notifications import groups as g
from notifications.monitoring import loop_lag, open_sockets
from workflow import gate
from workflow.models import State

NOT_SIGNED_IN, NO_ROLE, NOT_FOUND = 4401, 4403, 4404
REFUSALS = {gate.NOT_SIGNED_IN: NOT_SIGNED_IN, gate.NO_ROLE: NO_ROLE}


def scope_language(scope):
    """The reader's language: the language cookie, else Accept-Language, else the default."""
    supported = {code for code, _ in settings.LANGUAGES}
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
    candidates = [cookie]
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            candidates += [lang for lang, _ in parse_accept_lang_header(value.decode("latin1"))]
    for lang in candidates:
        if lang and lang.split("-")[0].lower() in supported:
            return lang.split("-")[0].lower()
    return settings.LANGUAGE_CODE


@lru_cache(maxsize=64)
def state_label(state, language):
    with translation.override(language):
        return str(State(state).label)


_recent_texts = OrderedDict()  # id(message) -> (message, {language: JSON}), the last few changes


def change_text(message, language):
    """The JSON a socket reading ``language`` receives for a ``case.changed`` message: encoded once
    per message and language in this process, however many of its sockets are in the group (the
    channel layer hands them all the same message object)."""
    entry = _recent_texts.get(id(message))
    if entry is None or entry[0] is not message:
        entry = _recent_texts[id(message)] = (message, {})
        while len(_recent_texts) > 16:
            _recent_texts.popitem(last=False)
    texts = entry[1]
    if language not in texts:
        payload = {k: v for k, v in message.items() if k != "event_id"}
        payload["state_label"] = state_label(payload["state"], language)
        texts[language] = json.dumps(payload)
    return texts[language]


# Pushes handed over by the channel layer: their handlers never touch the database.
PUSHED = frozenset({"case.changed", "case.status", "notification"})


class _GroupsConsumer(AsyncJsonWebsocketConsumer):
    joined = ()
    socket_kind = ""  # for the count of open sockets on /metrics
    counted = False

    async def dispatch(self, message):
        """A push goes straight to its handler. channels would first close stale database
        connections on a worker thread, for every message and every socket: with a thousand sockets
        in a group that is a thousand thread hops per change for handlers that read no database."""
        if message["type"] in PUSHED:
            return await getattr(self, get_handler_name(message))(message)
        return await super().dispatch(message)

    async def join(self, names):
        self.joined = list(names)
        for name in self.joined:
            await self.channel_layer.group_add(name, self.channel_name)
        open_sockets[self.socket_kind] += 1
        self.counted = True
        loop_lag.ensure_watching()

    async def disconnect(self, code):
        if self.counted:
            open_sockets[self.socket_kind] -= 1
            self.counted = False
        for name in self.joined:
            await self.channel_layer.group_discard(name, self.channel_name)

    async def refuse(self, code):
        await self.accept()
        await self.close(code=code)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})


@database_sync_to_async
def _inbox_setup(user):
    """Through the staff gate: (refusal, (), 0), or (None, the actor's groups, their unread count)."""
    from notifications.selectors import unread_count

    verdict = gate.check_staff(user)
    if not verdict.allowed:
        return verdict.refusal, (), 0
    return None, g.groups_for_actor(verdict.actor), unread_count(user)


class InboxConsumer(_GroupsConsumer):
    """Staff: every change to a case they may see, and their own new notifications."""

    socket_kind = "inbox"

    async def connect(self):
        refusal, groups, unread = await _inbox_setup(self.scope.get("user"))
        if refusal:
            return await self.refuse(REFUSALS[refusal])
        self.language = scope_language(self.scope)
        # A supervisor who is also a member hears a change in two groups: deliver it once.
        self.seen = deque(maxlen=256)
        await self.join(groups)
        await self.accept()
        await self.send_json({"type": "hello", "unread_count": unread})

    async def case_changed(self, message):
        key = (message["case_id"], message.get("event_id"), message["transition"])
        if key in self.seen:
            return
        self.seen.append(key)
        await self.send(text_data=change_text(message, self.language))

    async def notification(self, message):
        await self.send_json(message)


@database_sync_to_async
def _submission_for(tracking_code, key):
    from workflow.models import Submission

    submission = (Submission.objects.select_related("case", "case__merged_into")
                  .filter(tracking_code=tracking_code).first())
    if submission is None or not submission.key_matches(key):
        return None, None
    return submission.pk, submission.case


class SubmissionConsumer(_GroupsConsumer):
    """The submitter holding the private key: the status of THEIR case, and the answer once out."""

    socket_kind = "feedback"

    async def connect(self):
        code = self.scope["url_route"]["kwargs"]["tracking_code"]
        key = (parse_qs(self.scope.get("query_string", b"").decode("latin1")).get("key") or [""])[0]
        submission_id, case = await _submission_for(code, key)
        if submission_id is None:
            return await self.refuse(NOT_FOUND)
        self.language = scope_language(self.scope)
        await self.join([g.submission_group(submission_id)])
        await self.accept()
        from notifications.live import status_message

        await self.case_status(status_message(case, tracking_code=code))

    async def case_status(self, message):
        payload = dict(message)
        payload["type"] = "status"
        payload["status_label"] = state_label(message["status"], self.language)
        await self.send_json(payload)
