"""Domain errors.

Each error carries ``message_zh`` for screens (shown as-is, already Chinese) and an English
``str()`` for the CLI and logs. Services raise these; nothing above them shows a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class HallError(Exception):
    """Base of every error a user may be shown."""

    #: Default screen text when a subclass does not pass its own.
    default_zh = "操作未能完成，请联系工作人员。"

    def __init__(self, message: str, message_zh: str | None = None) -> None:
        super().__init__(message)
        self.message_zh = message_zh or self.default_zh


class NotFound(HallError):
    """A named record does not exist."""

    default_zh = "找不到对应的记录。"


class ValidationError(HallError):
    """Input that breaks a rule; nothing was written."""

    default_zh = "输入的信息有误，请检查后再试。"


class Conflict(HallError):
    """A rule refuses the change (a clash, a wrong state, a closed hall)."""

    default_zh = "当前状态下无法完成该操作。"


class AuthError(HallError):
    """Login refused: wrong credentials, disabled or locked account."""

    default_zh = "用户名或密码错误。"


class DatabaseUnavailable(HallError):
    """The database cannot be reached or is not migrated."""

    default_zh = "系统暂时无法连接数据库，请到服务台办理。"


@dataclass(frozen=True)
class CellProblem:
    """One bad cell of a workbook: sheet, row as Excel numbers it, column header, reason.

    ``column`` is empty for a problem with a whole sheet (missing) or row.
    """

    sheet: str
    row: int
    column: str
    reason: str
    reason_zh: str

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}" if self.row else self.sheet
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.reason}"

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
        }


class WorkbookError(ValidationError):
    """An organisation workbook refused whole (issue #9): nothing was written.

    ``problems`` lists every bad cell, so a person fixes the whole file in one pass instead of
    meeting one error per try.
    """

    default_zh = "组织机构表有错误，未导入任何内容。"

    def __init__(self, problems: list[CellProblem], source: str = "the workbook") -> None:
        super().__init__(
            f"{source}: {len(problems)} problem(s); nothing imported",
            f"{source}：发现 {len(problems)} 处错误，未导入任何内容。",
        )
        self.problems = problems
