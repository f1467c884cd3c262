"""Turning an exception from background work into one Chinese sentence for a screen.

Domain errors carry their own Chinese message. Anything else is logged by type only (an
exception's text may hold SQL parameters, so names or passwords) and shown as a plain
"system error"; no traceback ever reaches a user.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, OperationalError

from reception.i18n import translate
from shared.errors import HallError

log = logging.getLogger(__name__)

CONTEXT = "Errors"


def user_message(exc: BaseException, operation: str) -> str:
    """The sentence to show for ``exc``; logs what is safe to log.

    Args:
        exc: the exception a background operation raised.
        operation: a short code naming the operation, for the log (``login``, ``staff_list``).
    """
    if isinstance(exc, HallError):
        return exc.message_zh
    if isinstance(exc, OperationalError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        log.warning("%s: database unavailable (%s)", operation, type(exc).__name__)
        return translate(CONTEXT, "无法连接数据库，请稍后重试或联系管理员")
    log.error("%s failed unexpectedly: %s", operation, type(exc).__name__)
    return translate(CONTEXT, "系统错误，请联系管理员")
