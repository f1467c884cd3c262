"""Checking the organisation workbook before anything is written.

Every sheet is checked with the same rules the services apply (codes, names, site kinds,
calling policies, printer settings, times, setting values), plus what only the whole workbook
shows: duplicate codes, prefixes and window numbers, references to sites, departments and
queues (defined in this workbook or, for sites and departments, already in the database), and
overlapping opening sessions. The result is a :class:`Plan` of plain values to write, or the
problems recorded in a :class:`~shared.services.org.workbook_read.Problems`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.errors import ValidationError
from shared.models import Department, Site, Terminal
from shared.services.org import workbook_format as fmt
from shared.services.org.entities import (
    PREFIX_RE,
    check_code,
    check_int,
    parse_policy,
    parse_site_kind,
)
from shared.services.org.workbook_check_times import HOURS_KEYS, TimeChecks, text_rule
from shared.services.org.workbook_plan import (
    DepartmentPlan,
    Plan,
    QueuePlan,
    SitePlan,
    TerminalPlan,
    WindowPlan,
)
from shared.services.org.workbook_read import Problems, Row
from shared.services.terminals import CODE_PATTERN, MAX_LOCATION

__all__ = ["HOURS_KEYS", "check_workbook"]


class _Checker(TimeChecks):
    """One pass over the rows; keeps what later sheets refer to."""

    def __init__(self, session: Session, rows: dict[str, list[Row]], problems: Problems) -> None:
        self.rows, self.p, self.plan = rows, problems, Plan()
        self.sites = set(session.scalars(select(Site.code)))
        self.departments = dict(session.execute(select(Department.code, Department.name)).all())
        self.terminal_sites = dict(
            session.execute(
                select(Terminal.code, Site.code).join(Site, Site.id == Terminal.site_id)
            ).all()
        )
        self.reported: set[tuple[int, int]] = set()

    # -- organisation -----------------------------------------------------------------------

    def check_sites(self) -> None:
        seen: dict[Any, int] = {}
        for row in self.rows[fmt.SITES.title]:
            code = self.p.required(row, "code") and self.p.cell(row, "code", check_code)
            if code and self.duplicate(seen, code, row, "code", f"site code {code}"):
                code = None
            name = self.p.cell(row, "name", text_rule(100, "站点名称", required=True))
            kind = self.p.cell(row, "kind", parse_site_kind)
            address = self.p.cell(row, "address", text_rule(200, "地址"))
            phone = self.p.cell(row, "phone", text_rule(40, "电话"))
            if code:
                self.sites.add(code)
            if code and name and kind and address is not None and phone is not None:
                self.plan.sites.append(SitePlan(row.number, code, name, kind, address, phone))

    def check_departments(self) -> None:
        seen: dict[Any, int] = {}
        names: dict[Any, int] = {}
        rows = self.rows[fmt.DEPARTMENTS.title]
        in_book = {row["code"] for row in rows}
        for row in rows:
            code = self.p.required(row, "code") and self.p.cell(row, "code", check_code)
            if code and self.duplicate(seen, code, row, "code", f"department code {code}"):
                code = None
            name = self.p.cell(row, "name", text_rule(100, "部门名称", required=True))
            if name and not self.duplicate(names, name, row, "name", f"department name {name}"):
                owner = next((c for c, n in self.departments.items() if n == name), None)
                if owner and owner != code and owner not in in_book:
                    self.p.at(
                        row,
                        "name",
                        ValidationError(
                            f"department name {name!r} is already used by {owner}",
                            f"部门名称“{name}”已被编码 {owner} 使用。",
                        ),
                    )
            short = self.p.cell(row, "short_name", text_rule(40, "简称"))
            if code:
                self.departments.setdefault(code, name or "")
            if code and name and short is not None:
                self.plan.departments.append(DepartmentPlan(row.number, code, name, short))

    def check_queues(self) -> set[tuple[str, str]]:
        seen: dict[Any, int] = {}
        known: set[tuple[str, str]] = set()
        for row in self.rows[fmt.QUEUES.title]:
            site = self.site(row)
            prefix = self.p.required(row, "prefix") and self.p.cell(row, "prefix", _prefix)
            if site and prefix:
                if self.duplicate(seen, (site, prefix), row, "prefix", f"queue {site}/{prefix}"):
                    prefix = None
                else:
                    known.add((site, prefix))
            name = self.p.cell(row, "name", text_rule(60, "队列名称", required=True))
            description = self.p.cell(row, "description", text_rule(200, "说明"))
            policy = self.p.cell(row, "policy", _policy)
            minutes = self.p.cell(row, "minutes", lambda v: check_int(v, 1, 240, "默认办理时长"))
            departments = tuple(fmt.split_list(row["departments"]))
            unknown = [d for d in departments if d not in self.departments]
            if fmt.DEPARTMENTS.title in self.p.broken:
                unknown = []
            for code in unknown:
                self.p.at(
                    row,
                    "departments",
                    ValidationError(f"unknown department {code!r}", f"部门编码“{code}”不存在。"),
                )
            values = (site, prefix, name, description, policy, minutes)
            if all(v is not None for v in values) and policy and not unknown:
                self.plan.queues.append(
                    QueuePlan(
                        row.number,
                        str(site),
                        str(prefix),
                        str(name),
                        str(description),
                        policy[0],
                        policy[1],
                        int(minutes or 0),
                        departments,
                    )
                )
        return known

    def check_windows(self, queues: set[tuple[str, str]]) -> None:
        seen: dict[Any, int] = {}
        for row in self.rows[fmt.WINDOWS.title]:
            site = self.site(row)
            number = self.p.required(row, "number") and self.p.cell(
                row, "number", lambda v: check_int(v, 1, 999, "窗口号")
            )
            if (
                site
                and number
                and self.duplicate(seen, (site, number), row, "number", f"window {site}/{number}")
            ):
                number = None
            name = self.p.cell(row, "name", text_rule(60, "窗口名称"))
            location = self.p.cell(row, "location", text_rule(100, "窗口位置"))
            served = tuple(p.upper() for p in fmt.split_list(row["queues"]))
            bad = False
            if not served:
                bad = self.p.required(row, "queues") is None
            checkable = site and fmt.QUEUES.title not in self.p.broken
            for prefix in served if checkable else ():
                if (site, prefix) not in queues:
                    bad = True
                    self.p.at(
                        row,
                        "queues",
                        ValidationError(
                            f"unknown queue {prefix!r} at site {site} (not in the 业务队列 sheet)",
                            f"队列“{prefix}”不在站点 {site} 的业务队列中。",
                        ),
                    )
            if site and number and name is not None and location is not None and not bad:
                self.plan.windows.append(
                    WindowPlan(row.number, site, int(number), name, location, served)
                )

    def check_terminals(self) -> None:
        seen: dict[Any, int] = {}
        for row in self.rows[fmt.TERMINALS.title]:
            code = self.p.required(row, "code") and self.p.cell(row, "code", _terminal_code)
            if code and self.duplicate(seen, code, row, "code", f"terminal code {code}"):
                code = None
            kind = self.p.required(row, "kind") and self.p.cell(
                row, "kind", fmt.parse_terminal_kind
            )
            site = self.site(row)
            if code and site and self.terminal_sites.get(code, site) != site:
                self.p.at(
                    row,
                    "site",
                    ValidationError(
                        f"terminal {code} is registered at {self.terminal_sites[code]}: a terminal "
                        "cannot move to another site (give it a new code)",
                        f"终端 {code} 属于站点 {self.terminal_sites[code]}，不能改到其他站点。",
                    ),
                )
                site = None
            location = self.p.cell(row, "location", text_rule(MAX_LOCATION, "位置"))
            printer = self.p.cell(row, "printer", fmt.parse_printer)
            if code and kind and site and location is not None and printer is not None:
                self.plan.terminals.append(
                    TerminalPlan(row.number, code, kind, site, location, printer)
                )


def _prefix(text: str) -> str:
    prefix = text.strip().upper()
    if not PREFIX_RE.match(prefix):
        raise ValidationError(
            f"queue prefix {prefix!r} must be one or two letters A-Z",
            f"队列字头“{prefix}”应为一到两个大写字母。",
        )
    return prefix


def _policy(text: str) -> tuple[str, int | None]:
    policy, n = parse_policy(text)
    return policy, None if n is None else check_int(n, 1, 20, "穿插间隔")


def _terminal_code(text: str) -> str:
    if not CODE_PATTERN.fullmatch(text):
        raise ValidationError(
            f"terminal code {text!r}: 1-40 letters, digits, '-', '_' or '.'",
            "终端编号只能用字母、数字、-、_ 和 .，最多 40 个字符。",
        )
    return text


def check_workbook(session: Session, rows: dict[str, list[Row]], problems: Problems) -> Plan:
    """Check every sheet (in reference order) and return the plan; problems go to ``problems``."""
    checker = _Checker(session, rows, problems)
    checker.check_sites()
    checker.check_departments()
    queues = checker.check_queues()
    checker.check_windows(queues)
    checker.check_terminals()
    checker.check_hours()
    checker.check_calendar()
    checker.check_settings()
    return checker.plan
