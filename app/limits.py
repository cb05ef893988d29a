"""Request body limits: answered with 413 before an oversized body is read into memory."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PayloadTooLarge, problem_response
from app.i18n import msg

# Files (rosters: CSV, .xlsx, or either in a form) get the file limit; everything else is JSON.
FILE_TYPES = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "multipart/form-data",
)


def carries_a_file(scope: Scope) -> bool:
    """Is the request's body a file (a roster), by its Content-Type?"""
    content_type = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1").lower()
    return content_type.startswith(FILE_TYPES)


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, *, json_limit: int, csv_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.csv_limit = csv_limit

    def _limit_for(self, scope: Scope) -> int:
        return self.csv_limit if carries_a_file(scope) else self.json_limit

    def _too_large(self, limit: int) -> ASGIApp:
        return problem_response(
            413,
            PayloadTooLarge.code,
            PayloadTooLarge.title,
            msg("problem.body_too_large", limit=limit),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                await self._too_large(limit)(scope, receive, send)
                return
            # The server reads no more than the declared length: nothing left to watch.
            await self.app(scope, receive, send)
            return
        received = 0
        rejected = False

        async def limited_send(message: Message) -> None:
            if not rejected:
                await send(message)

        async def limited_receive() -> Message:
            # A streamed body that outgrows the limit: answer 413 now, then tell the app the
            # client left, and drop whatever the app still tries to send.
            nonlocal received, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    await self._too_large(limit)(scope, receive, send)
                    rejected = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, limited_receive, limited_send)
