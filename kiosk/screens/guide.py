"""办事指南 (service guides): keypad search, browsing, a matter's guide, then a ticket or a slip.

:class:`GuideFlow` is the flow's controller, like :class:`~kiosk.screens.ticket.TicketFlow`:
it puts its screens into the kiosk window and runs everything that touches the database or
a printer off the GUI thread.

- Search runs on a runner of its own (read-only sessions), so a status refresh never delays a
  key press. Only one search is in flight; letters pressed meanwhile are searched next, and
  a result for letters no longer on screen is dropped: the latest query wins.
- The catalog index (about 0.75 s to build the first time) is built on that runner as soon
  as the flow is attached, long before the first visitor's first letter.
- 取号办理 hands the matter to the 取号 flow (``TicketFlow.start(matter=…)``): the ticket is
  for the matter's queue and carries the matter, so its materials print on the slip.
- 打印指南 prints the guide slip on this terminal's printer on a print runner of its own.

Signals of :class:`GuideFlow`:
    results_shown(str, object): the letters and the list of hits now on screen.
    menu_loaded(object): the browse menu (:class:`~shared.services.catalog_page.BrowseMenu`).
    list_shown(object): the hits of a browse choice now on screen.
    page_shown(object): a :class:`~shared.services.catalog_page.GuidePage` is on screen.
    slip_printed(object): ``None`` when the guide slip printed, else the ``PrintError``.
    index_ready(int): the catalog index is built; its size.
    home_requested(): the visitor asked for the home screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from kiosk.screens import guide_data
from kiosk.screens.common import DeskHelp, register_built
from kiosk.screens.guide_browse import GuideBrowseScreen
from kiosk.screens.guide_keypad import GuideSearchScreen
from kiosk.screens.guide_page import GuidePageScreen
from kiosk.screens.way import WayScreen
from kiosk.window import KioskWindow
from shared.errors import HallError
from shared.qt.tasks import TaskRunner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.screens.ticket import TicketFlow
    from shared.changes import ChangeRecord
    from shared.printing import PrintError
    from shared.services.catalog import MatterHit
    from shared.services.catalog_page import BrowseMenu, GuidePage

log = logging.getLogger(__name__)

NAME = "guide"
BROWSE = "guide_browse"
PAGE = "guide_page"
WAY = "guide_way"
#: How often search re-reads demand (tickets and guide views) to rank ties.
DEMAND_REFRESH_MS = 10 * 60 * 1000

PrinterFactory = Callable[[Mapping[str, Any]], Any]


def _tr(text: str) -> str:
    return QCoreApplication.translate("GuideFlow", text)


class GuideFlow(QObject):
    """The kiosk's 办事指南 flow (see the module docstring).

    Args:
        window: the kiosk window the screens are registered in.
        site_code: returns the site whose catalog to show (``None``: the first site).
        terminal: this kiosk's terminal code (its printer prints the slip).
        ticket_flow: returns the kiosk's 取号 flow (取号办理 goes through it).
        printer_factory: builds the printer from the terminal's settings (``None``: the
            system print queue or the configured device).

    Signals:
        results_shown(str, object): letters and hits on screen.
        menu_loaded(object): the BrowseMenu.
        list_shown(object): the hits of a browse choice.
        page_shown(object): the GuidePage on screen.
        slip_printed(object): None, or the PrintError.
        index_ready(int): the catalog index is built.
        home_requested(): back to the home screen.
    """

    results_shown = Signal(str, object)
    menu_loaded = Signal(object)
    list_shown = Signal(object)
    page_shown = Signal(object)
    slip_printed = Signal(object)
    index_ready = Signal(int)
    home_requested = Signal()

    def __init__(
        self,
        window: KioskWindow,
        *,
        site_code: Callable[[], str | None],
        terminal: str | None,
        ticket_flow: Callable[[], TicketFlow],
        printer_factory: PrinterFactory | None = None,
        desk_help: Callable[[], DeskHelp] = DeskHelp,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk_help = desk_help
        self.window = window
        self._site_code = site_code
        self._terminal = terminal
        self._ticket_flow = ticket_flow
        self.printer_factory = printer_factory
        self.tasks: TaskRunner | None = None
        self.search_tasks: TaskRunner | None = None
        self.print_tasks: TaskRunner | None = None
        self.page: GuidePage | None = None
        self._query = ""
        self._searching = False
        self._page_code: str | None = None
        self._back_to = NAME
        self._printing = False
        self._ticket_wired = False
        self._menu: BrowseMenu | None = None

        self._demand_timer = QTimer(self)
        self._demand_timer.setInterval(DEMAND_REFRESH_MS)
        self._demand_timer.timeout.connect(self.on_demand_timeout)

        self.search_screen = GuideSearchScreen()
        self.browse_screen = GuideBrowseScreen()
        self.page_screen = GuidePageScreen()
        self.way_screen = WayScreen()
        register_built(
            window,
            (
                (NAME, self.search_screen),
                (BROWSE, self.browse_screen),
                (PAGE, self.page_screen),
                (WAY, self.way_screen),
            ),
        )

        self.search_screen.query_changed.connect(self.on_search_query_changed)
        self.search_screen.matter_chosen.connect(self.on_matter_chosen)
        self.search_screen.browse_requested.connect(self.on_search_browse_requested)
        self.search_screen.home_requested.connect(self.home_requested)
        self.browse_screen.category_chosen.connect(self.on_browse_category_chosen)
        self.browse_screen.matter_chosen.connect(self.on_matter_chosen)
        self.browse_screen.back_requested.connect(self.on_browse_back_requested)
        self.browse_screen.home_requested.connect(self.home_requested)
        self.page_screen.ticket_requested.connect(self.on_page_ticket_requested)
        self.page_screen.print_requested.connect(self.on_page_print_requested)
        self.page_screen.back_requested.connect(self.on_page_back_requested)
        self.page_screen.home_requested.connect(self.home_requested)
        self.page_screen.way_requested.connect(self.on_page_way_requested)
        self.way_screen.back_requested.connect(lambda: self.window.show_screen(PAGE))
        self.way_screen.home_requested.connect(self.home_requested)

    @property
    def ready(self) -> bool:
        """True once the flow has its database (:meth:`attach`)."""
        return self.tasks is not None

    def attach(
        self,
        tasks: TaskRunner,
        factory: sessionmaker[Session],
        read_factory: sessionmaker[Session] | None = None,
    ) -> None:
        """Give the flow the kiosk's runner and factories, and build the index right away."""
        self.tasks = tasks
        for runner in (self.search_tasks, self.print_tasks):
            if runner is not None:
                runner.shutdown()
        self.search_tasks = TaskRunner(read_factory or factory, parent=self)
        self.print_tasks = TaskRunner(factory, parent=self)
        self.search_tasks.submit(
            guide_data.warm_index, self.index_ready.emit, self.on_index_failed, write=False
        )
        self._demand_timer.start()

    def on_demand_timeout(self) -> None:
        """Re-rank search by what visitors asked for lately (slow timer, off the GUI thread)."""
        if self.search_tasks is not None and not self.search_tasks.busy:
            self.search_tasks.submit(
                guide_data.refresh_demand,
                None,
                lambda exc: log.warning("demand not refreshed: %s", type(exc).__name__),
                write=False,
            )

    def shutdown(self) -> None:
        """Stop the flow's own runners (after what they are doing)."""
        self._demand_timer.stop()
        for runner in (self.search_tasks, self.print_tasks):
            if runner is not None:
                runner.shutdown()

    # -- entry ----------------------------------------------------------------------------

    def start(self) -> None:
        """Open 办事指南 for a new visitor: no letters, the keypad."""
        self._query = ""
        self._page_code = None
        self.search_screen.reset()
        self.window.show_screen(NAME)

    # -- search ---------------------------------------------------------------------------

    def search(self, query: str) -> None:
        """Search for ``query`` in the background (see the module for who wins)."""
        self._query = query
        if not query:
            return
        if self._searching:
            return  # on_search_done submits the latest letters
        self._submit_search()

    def _submit_search(self) -> None:
        if self.search_tasks is None:
            self.search_screen.show_state(_tr("正在准备，请稍候…"))
            return
        query, site = self._query, self._site_code()
        self._searching = True

        def run(session: Session) -> list[MatterHit]:
            return guide_data.search(session, query, site)

        self.search_tasks.submit(
            run,
            lambda hits: self.on_search_done(query, hits),
            self.on_search_failed,
            write=False,
        )

    def on_search_done(self, query: str, hits: list[MatterHit]) -> None:
        """Show the hits if the letters are still those searched; else search the new ones."""
        self._searching = False
        if query != self._query:
            if self._query:
                self._submit_search()
            return  # stale: dropped
        self.search_screen.set_results(query, hits)
        # Echoed: focus stays on the keypad, so the letters and the count are announced.
        letters = " ".join(query.upper())
        if hits:
            echo = _tr("已输入 {letters}，找到 {n} 个事项").format(letters=letters, n=len(hits))
        else:
            echo = _tr("已输入 {letters}，没有找到事项").format(letters=letters)
        self.window.guidance.announce(self.search_screen, echo)
        self.results_shown.emit(query, hits)

    def on_search_failed(self, exc: BaseException) -> None:
        """The catalog could not be read: say so; the next letter tries again."""
        self._searching = False
        log.warning("guide search failed: %s", type(exc).__name__)
        self.search_screen.show_state(
            self.desk_help().say(
                _tr("暂时无法查询，请稍后再试，或到咨询引导台询问"),
                _tr("暂时无法查询，请稍后再试，或拨打 {hotline} 政务服务便民热线"),
            )
        )

    def on_index_failed(self, exc: BaseException) -> None:
        """The first build failed (no database yet): the first search builds it instead."""
        log.info("catalog index not built at start: %s", type(exc).__name__)

    # -- browse ---------------------------------------------------------------------------

    def browse(self, kind: str) -> None:
        """Open browsing by ``event`` or ``department`` (the menu loads once per catalog)."""
        self.browse_screen.start(kind)
        self.window.show_screen(BROWSE)
        if self._menu is None and self.search_tasks is not None:
            site = self._site_code()
            self.search_tasks.submit(
                lambda session: guide_data.browse_menu(session, site),
                self.on_menu_loaded,
                self.on_browse_failed,
                write=False,
            )

    def on_menu_loaded(self, menu: BrowseMenu) -> None:
        """Show the choices."""
        self._menu = menu
        self.browse_screen.set_menu(menu)
        self.menu_loaded.emit(menu)

    def on_browse_failed(self, exc: BaseException) -> None:
        """Say so plainly."""
        log.warning("guide browse failed: %s", type(exc).__name__)
        self.browse_screen.show_state(
            self.desk_help().say(
                _tr("暂时无法读取，请稍后再试，或到咨询引导台询问"),
                _tr("暂时无法读取，请稍后再试，或拨打 {hotline} 政务服务便民热线"),
            )
        )

    def on_browse_category_chosen(self, kind: str, value: str) -> None:
        """A life event or a department: its matters; a 一件事 bundle: its guide."""
        if kind == "bundle":
            self.open_guide(value)
            return
        if self.search_tasks is None:
            return
        site = self._site_code()
        if kind == "event":
            title = _tr("{event}：相关事项").format(event=value)
        else:
            names = {d[0]: d[1] for d in self._menu.departments} if self._menu else {}
            title = names.get(value, value)

        def run(session: Session) -> list[MatterHit]:
            if kind == "event":
                return guide_data.browse(session, site, life_event=value)
            return guide_data.browse(session, site, department=value)

        self.browse_screen.show_state(_tr("正在读取，请稍候…"))
        self.search_tasks.submit(
            run,
            lambda hits: self.on_list_loaded(title, hits),
            self.on_browse_failed,
            write=False,
        )

    def on_list_loaded(self, title: str, hits: list[MatterHit]) -> None:
        """The matters of the choice."""
        if self.window.current_name != BROWSE:
            return
        self.browse_screen.show_matters(title, hits)
        self.list_shown.emit(hits)

    # -- the guide page -------------------------------------------------------------------

    def open_guide(self, code: str, name: str = "") -> None:
        """Show matter ``code``'s guide (loading in the background)."""
        if self.tasks is None:
            return
        self._back_to = self.window.current_name if self.window.current_name != PAGE else NAME
        self._page_code = code
        self.page = None
        self.page_screen.show_loading(name)
        self.window.show_screen(PAGE)
        site, terminal = self._site_code(), self._terminal

        def load(session: Session) -> GuidePage:
            return guide_data.load_guide_page(session, code, site, terminal)

        self.tasks.submit(
            load,
            lambda page: self.on_page_loaded(code, page),
            lambda exc: self.on_page_failed(code, exc),
            write=False,
        )

    def on_page_loaded(self, code: str, page: GuidePage) -> None:
        """Show the guide, if the visitor still waits for it."""
        if code != self._page_code or self.window.current_name != PAGE:
            return
        self.page = page
        self.page_screen.set_page(page)
        self.page_shown.emit(page)
        # Counted for search ranking (a lost count harms nobody); a bundle's demand is its
        # tickets.
        if self.tasks is not None and not page.guide.is_bundle:
            site = self._site_code()
            self.tasks.submit(
                lambda session: guide_data.record_view(session, site, code),
                None,
                lambda exc: log.warning("guide view not counted: %s", type(exc).__name__),
            )

    def on_page_failed(self, code: str, exc: BaseException) -> None:
        """Say what went wrong (the way back stays)."""
        if code != self._page_code:
            return
        log.warning("guide %s unavailable: %s", code, type(exc).__name__)
        if isinstance(exc, HallError):
            self.page_screen.show_notice(exc.message_zh)
        else:
            self.page_screen.show_notice(
                _tr("暂时无法读取办事指南，请稍后再试，或到咨询引导台询问")
            )

    # -- slots ----------------------------------------------------------------------------

    def on_search_query_changed(self, query: str) -> None:
        """A letter pressed, deleted or cleared."""
        self.search(query)

    def on_matter_chosen(self, code: str) -> None:
        """A result or a list row: its guide."""
        hits = self.search_screen.results.hits + self.browse_screen.list_page.hits
        name = next((h.name for h in hits if h.code == code), "")
        self.open_guide(code, name)

    def on_search_browse_requested(self, kind: str) -> None:
        """按人生事件 / 按部门."""
        self.browse(kind)

    def on_browse_back_requested(self) -> None:
        """返回 from the browse choices: the keypad, letters kept."""
        self.window.show_screen(NAME)

    def on_page_back_requested(self) -> None:
        """返回 from a guide: where the visitor came from."""
        self._page_code = None
        self.window.show_screen(self._back_to)

    def on_page_way_requested(self) -> None:
        """看位置图: the guide's windows on the hall map, the whole screen."""
        page = self.page
        if page is None:
            return
        self.way_screen.set_guide(page.guide.name, page.windows, page.where)
        self.window.show_screen(WAY)

    def on_page_ticket_requested(self) -> None:
        """取号办理: the 取号 flow for this matter's queue, carrying the matter."""
        from kiosk.screens.ticket import TicketMatter

        page = self.page
        if page is None:
            return
        g = page.guide
        flow = self._ticket_flow()
        if not self._ticket_wired:
            flow.back_requested.connect(self.on_ticket_back_requested)
            self._ticket_wired = True
        # A matter's or a 一件事 bundle's code: the ticket slip lists its materials.
        flow.start(matter=TicketMatter(code=g.code, name=g.name, queue_prefix=g.queue_prefix))

    def on_ticket_back_requested(self) -> None:
        """返回上一步 on the 取号 confirmation: the guide it came from."""
        self.window.show_screen(PAGE if self.page is not None else NAME)

    def on_page_print_requested(self) -> None:
        """打印指南: the slip on this terminal's printer, in the background."""
        from shared.qt.printing import print_receipt_in_background
        from shared.rendering.guide_slip import guide_slip_layout

        page = self.page
        if page is None or self._printing or self.print_tasks is None:
            return
        try:
            printer = self._make_printer(page.printer)
        except HallError as exc:
            self.page_screen.show_notice(exc.message_zh)
            return
        if printer is None:
            self.page_screen.show_notice(
                _tr("本机不打印指南，请用手机扫描页面上的二维码，或拍照留存")
            )
            self.slip_printed.emit(None)
            return
        self._printing = True
        self.page_screen.set_printing(True)
        code = page.guide.code
        print_receipt_in_background(
            self.print_tasks,
            printer,
            guide_slip_layout(page.slip),
            f"guide-{code}",
            lambda error: self.on_slip_printed(code, error),
        )

    def on_slip_printed(self, code: str, error: PrintError | None) -> None:
        """Say how printing went (for the guide still on screen)."""
        self._printing = False
        self.page_screen.set_printing(False)
        if self.page is not None and self.page.guide.code == code:
            if error is None:
                self.page_screen.show_ok(_tr("指南已打印，请取走"))
            else:
                self.page_screen.show_notice(error.message_zh)
        self.slip_printed.emit(error)

    def on_feed_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        """A catalog change: browse choices are read again (search refreshes by itself)."""
        if any(c.kind in ("catalog", "resync") for c in batch):
            self._menu = None
            self.browse_screen.menu = None

    # -- helpers --------------------------------------------------------------------------

    def _make_printer(self, config: Mapping[str, Any]) -> Any:
        make = self.printer_factory
        if make is None:
            from shared.qt.printing import qt_printer_from_config

            make = qt_printer_from_config
        return make(config)
