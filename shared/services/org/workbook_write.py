"""Writing a checked organisation workbook through the services, counting what changes.

Each record is compared with what the database holds first: one that would not change is not
written (re-importing the same file records no change and no audit entry), and the counts feed
the import report. A refusal the checks did not foresee still names its sheet and row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.errors import CellProblem, HallError, WorkbookError
from shared.models import Department, Queue, Setting, Site
from shared.services import terminals as terminal_service
from shared.services.holidays import list_days, set_day
from shared.services.org import entities
from shared.services.org import workbook_format as fmt
from shared.services.org.workbook_plan import Plan
from shared.services.settings import change_setting
from shared.services.weekly_hours import hours_text

if TYPE_CHECKING:
    from shared.services.org.workbook import ImportReport


class Writer:
    """Writes a checked plan through the services, counting as it goes."""

    def __init__(self, session: Session, report: ImportReport, actor: str) -> None:
        self.session, self.report, self.actor = session, report, actor
        self.write = not report.dry_run

    def count(self, title: str, existed: bool, changed: bool) -> bool:
        sheet = self.report.sheets[title]
        if not existed:
            sheet.created += 1
        elif changed:
            sheet.updated += 1
        else:
            sheet.unchanged += 1
        return (not existed or changed) and self.write

    def run(self, title: str, row: int, call: Any, /, **kwargs: Any) -> Any:
        """One service call; a refusal the checks missed still names its row."""
        try:
            return call(self.session, **kwargs)
        except HallError as exc:
            problem = CellProblem(title, row, "", str(exc), exc.message_zh)
            raise WorkbookError([problem]) from exc

    def sites(self, plan: Plan) -> None:
        old = {s.code: s for s in entities.list_sites(self.session)}
        order = dict(self.session.execute(select(Site.code, Site.sort_order)).all())
        for index, p in enumerate(plan.sites):
            now = old.get(p.code)
            same = (
                now is not None
                and order[p.code] == index
                and (now.name, now.kind, now.address, now.phone, now.active)
                == (p.name, p.kind, p.address, p.phone, True)
            )
            if self.count(fmt.SITES.title, now is not None, not same):
                self.run(
                    fmt.SITES.title,
                    p.row,
                    entities.save_site,
                    code=p.code,
                    name=p.name,
                    kind=p.kind,
                    address=p.address,
                    phone=p.phone,
                    sort_order=index,
                    actor=self.actor,
                )

    def departments(self, plan: Plan) -> None:
        old = {d.code: d for d in entities.list_departments(self.session)}
        order = dict(self.session.execute(select(Department.code, Department.sort_order)).all())
        for index, p in enumerate(plan.departments):
            now = old.get(p.code)
            same = (
                now is not None
                and order[p.code] == index
                and (now.name, now.short_name, now.active) == (p.name, p.short_name, True)
            )
            if self.count(fmt.DEPARTMENTS.title, now is not None, not same):
                self.run(
                    fmt.DEPARTMENTS.title,
                    p.row,
                    entities.save_department,
                    code=p.code,
                    name=p.name,
                    short_name=p.short_name,
                    sort_order=index,
                    actor=self.actor,
                )

    def queues(self, plan: Plan) -> None:
        title = fmt.QUEUES.title
        old = {(q.site_code, q.prefix): q for q in entities.list_queues(self.session)}
        order = {
            (site, prefix): sort
            for site, prefix, sort in self.session.execute(
                select(Site.code, Queue.prefix, Queue.sort_order).join(Site)
            )
        }
        per_site: dict[str, int] = {}
        for p in plan.queues:
            index = per_site[p.site] = per_site.get(p.site, -1) + 1
            now = old.pop((p.site, p.prefix), None)
            same = (
                now is not None
                and order[(p.site, p.prefix)] == index
                and (
                    now.name,
                    now.description,
                    now.policy,
                    now.default_service_minutes,
                    set(now.departments),
                    now.active,
                )
                == (p.name, p.description, p.policy, p.minutes, set(p.departments), True)
                and (p.policy == "strict" or now.interleave_n == p.interleave_n)
            )
            if self.count(title, now is not None, not same):
                self.run(
                    title,
                    p.row,
                    entities.save_queue,
                    site=p.site,
                    prefix=p.prefix,
                    name=p.name,
                    description=p.description,
                    policy=p.policy,
                    interleave_n=p.interleave_n,
                    default_service_minutes=p.minutes,
                    departments=p.departments,
                    sort_order=index,
                    actor=self.actor,
                )
        for (site, prefix), q in old.items():
            if q.active:
                self.report.sheets[title].deactivated.append(f"{site}/{prefix}")
                if self.write:
                    self.run(
                        title,
                        0,
                        entities.save_queue,
                        site=site,
                        prefix=prefix,
                        name=q.name,
                        description=q.description,
                        policy=q.policy,
                        interleave_n=q.interleave_n if q.policy == "interleave" else None,
                        default_service_minutes=q.default_service_minutes,
                        departments=q.departments,
                        active=False,
                        actor=self.actor,
                    )

    def windows(self, plan: Plan) -> None:
        title = fmt.WINDOWS.title
        old = {(w.site_code, w.number): w for w in entities.list_windows(self.session)}
        for p in plan.windows:
            now = old.pop((p.site, p.number), None)
            name = p.name or f"{p.number}号窗口"
            same = now is not None and (now.name, now.location, set(now.queues), now.active) == (
                name,
                p.location,
                set(p.queues),
                True,
            )
            if self.count(title, now is not None, not same):
                self.run(
                    title,
                    p.row,
                    entities.save_window,
                    site=p.site,
                    number=p.number,
                    name=name,
                    location=p.location,
                    queues=p.queues,
                    actor=self.actor,
                )
        for (site, number), w in old.items():
            if w.active:
                self.report.sheets[title].deactivated.append(f"{site}/{number}")
                if self.write:
                    self.run(
                        title,
                        0,
                        entities.save_window,
                        site=site,
                        number=number,
                        name=w.name,
                        location=w.location,
                        queues=w.queues,
                        active=False,
                        actor=self.actor,
                    )

    def terminals(self, plan: Plan) -> None:
        title = fmt.TERMINALS.title
        old = {t.code: t for t in terminal_service.list_terminals(self.session)}
        for p in plan.terminals:
            now = old.pop(p.code, None)
            if now is None:
                if self.count(title, False, True):
                    self.run(
                        title,
                        p.row,
                        terminal_service.add_terminal,
                        site=p.site,
                        code=p.code,
                        kind=p.kind,
                        location=p.location,
                        printer=p.printer,
                        actor=self.actor,
                    )
                continue
            moved = (now.kind, now.location, now.active) != (p.kind, p.location, True)
            printer = fmt.stored_printer(now.printer) != p.printer
            if self.count(title, True, moved or printer) and moved:
                self.run(
                    title,
                    p.row,
                    terminal_service.update_terminal,
                    code=p.code,
                    kind=p.kind,
                    location=p.location,
                    active=True,
                    actor=self.actor,
                )
            if printer and self.write:
                self.run(
                    title,
                    p.row,
                    terminal_service.set_printer,
                    code=p.code,
                    config=p.printer,
                    actor=self.actor,
                )
        for code, t in old.items():
            if t.active:
                self.report.sheets[title].deactivated.append(code)
                if self.write:
                    self.run(
                        title,
                        0,
                        terminal_service.update_terminal,
                        code=code,
                        active=False,
                        actor=self.actor,
                    )

    def stored_settings(self) -> dict[tuple[str, str | None], Any]:
        rows = self.session.execute(
            select(Setting.key, Site.code, Setting.value).outerjoin(
                Site, Site.id == Setting.site_id
            )
        )
        return {(key, site): value for key, site, value in rows}

    def hours_and_settings(self, plan: Plan) -> None:
        stored = self.stored_settings()
        for (site, key), value in plan.hours.items():
            now = stored.get((key, site))
            if self.count(fmt.HOURS.title, now is not None, now != value):
                self.run(
                    fmt.HOURS.title,
                    0,
                    change_setting,
                    key=key,
                    text=hours_text(value)[1],
                    site=site,
                    actor=self.actor,
                )
        for s in plan.settings:
            now = stored.get((s.key, s.site))
            if self.count(fmt.SETTINGS.title, now is not None, now != s.value):
                self.run(
                    fmt.SETTINGS.title,
                    s.row,
                    change_setting,
                    key=s.key,
                    text=s.text,
                    site=s.site,
                    actor=self.actor,
                )

    def calendar(self, plan: Plan) -> None:
        old = {(e.day, e.site_code): e for e in list_days(self.session)}
        for p in plan.days:
            now = old.get((p.day, p.site))
            same = now is not None and (now.kind, now.name, now.sessions) == (
                p.kind,
                p.name,
                p.sessions,
            )
            if self.count(fmt.CALENDAR.title, now is not None, not same):
                self.run(
                    fmt.CALENDAR.title,
                    p.row,
                    set_day,
                    day=p.day,
                    kind=p.kind,
                    name=p.name,
                    sessions=[list(s) for s in p.sessions],
                    site=p.site,
                    actor=self.actor,
                )
