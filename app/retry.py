"""A request whose transaction the database rolled back for another's sake (a deadlock, a
serialization failure: app/errors.py marks it) runs once more before its 503 is sent.

Safe to run again: the request's one transaction (app/db.py get_session) was rolled back,
so nothing of the first run was written — its Idempotency-Key record neither — and the
first answer is dropped before a byte of it leaves. Reads (GET, HEAD, OPTIONS) take no locks
and are never retried; nor are file bodies (rosters up to MAX_CSV_BODY_BYTES), which would
be held in memory twice: those answer 503 with Retry-After and the client sends them again.

The middleware must sit directly outside Starlette's ExceptionMiddleware, where the
exception handlers' answers pass through it: it is added first of the app's middleware.
"""

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import READ_METHODS
from app.errors import RETRY_REQUEST
from app.limits import carries_a_file

log = logging.getLogger("app.retry")


class _BodyTape:
    """The request's body messages as the first run reads them, played back to the second;
    whatever the first run did not read comes from the server as usual."""

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.recorded: list[Message] = []

    async def record(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.recorded.append(message)
        return message

    def replay(self) -> Receive:
        pending = list(self.recorded)

        async def receive() -> Message:
            return pending.pop(0) if pending else await self.receive()

        return receive


def _retriable(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] in READ_METHODS:
        return False
    return not carries_a_file(scope)


class RetryTransientConflicts:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _retriable(scope):
            await self.app(scope, receive, send)
            return
        # The scope as it came: the first run fills it in (route, state), the second starts
        # from this. Reset in place, so that the middleware outside sees the answering run.
        pristine = dict(scope)
        pristine_state = dict(scope.get("state", {}))
        tape = _BodyTape(receive)
        dropped = False

        async def send_unless_retried(message: Message) -> None:
            nonlocal dropped
            if message["type"] == "http.response.start" and scope.get(RETRY_REQUEST):
                dropped = True
            if not dropped:
                await send(message)

        await self.app(scope, tape.record, send_unless_retried)
        if not dropped:
            return
        # The route's template, never the path: a path may hold a NIK.
        route = getattr(scope.get("route"), "path", "?")
        log.warning("%s %s rolled back by a conflict; running it again", scope["method"], route)
        scope.clear()
        scope.update(pristine, state=pristine_state)
        await self.app(scope, tape.replay(), send)
