"""管理 → 事项导入 (issues #9, #11): load the service-matter catalog from an XLSX workbook
(事项, 材料, 流程, 一件事) or a single-sheet CSV.

IT chooses a file, 检查 runs the import as a dry run and lists every problem (its sheet, its
row as the spreadsheet shows it, and the service's Chinese reason naming the column) in a
table; a file refused whole
(wrong type, unreadable, empty) shows the service's Chinese message in the summary. 导入 is
offered only once the same file checked clean, and the import itself is all or nothing, as
the catalog service is. The file is read and written on the console's TaskRunner, never on
the GUI thread; the import is audited with the signed-in staff member and reaches every
terminal through the change feed (``catalog``).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.modules.admin.catalog_ops import (
    CatalogReport,
    catalog_size,
    check_catalog_op,
    import_catalog_op,
    problems_report,
    write_template_op,
)
from reception.modules.admin.widgets import restyle
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.qt.tables import Column, DataTable, Row, number_cell
from shared.services.catalog_format import SHEETS
from shared.services.catalog_io import CatalogImportError


class CatalogImportPage(QWidget):
    """The 事项导入 page of 管理.

    Signals:
        checked(object): a check (dry run) ended with this :class:`CatalogReport`.
        imported(object): an import ended (a report with problems when it was refused).
        failed(str): the file could not be read or the database failed; the message shown.
        catalog_loaded(int): the number of matters in use was (re)read.
    """

    checked = Signal(object)
    imported = Signal(object)
    failed = Signal(str)
    catalog_loaded = Signal(int)

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin_catalog_import")
        self._context = context
        self._path: Path | None = None
        self._clean_path: Path | None = None
        self._busy = False

        title = QLabel(self.tr("事项导入"))
        title.setProperty("role", "title")
        self.catalog_count = QLabel()
        self.catalog_count.setObjectName("catalog_size")
        self.catalog_count.setProperty("role", "muted")
        intro = QLabel(self.tr("先检查文件，没有错误才能导入；有一行出错，整个文件都不导入。"))
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)
        self.path_field = QLineEdit()
        self.path_field.setObjectName("catalog_path")
        self.path_field.setReadOnly(True)
        self.path_field.setAccessibleName(self.tr("要导入的文件"))
        self.path_field.setPlaceholderText(self.tr("尚未选择文件"))
        self.choose_button = QPushButton(self.tr("选择文件…"))
        self.choose_button.setObjectName("catalog_choose")
        self.choose_button.setAccessibleName(self.tr("选择要导入的文件"))
        self.check_button = QPushButton(self.tr("检查文件"))
        self.check_button.setObjectName("catalog_check")
        self.check_button.setAccessibleName(self.tr("检查文件，不导入"))
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setObjectName("catalog_import")
        self.import_button.setProperty("role", "primary")
        self.import_button.setAccessibleName(self.tr("导入已检查通过的文件"))
        self.template_button = QPushButton(self.tr("保存导入模板…"))
        self.template_button.setObjectName("catalog_template")
        self.template_button.setAccessibleName(self.tr("保存空白导入模板"))
        self.summary = QLabel(self.tr("请选择文件，然后点“检查文件”。"))
        self.summary.setObjectName("catalog_summary")
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)

        self.problems = DataTable(
            [
                Column(self.tr("工作表"), "text", True),
                Column(self.tr("行号"), "number", True),
                Column(self.tr("原因"), "main"),
            ],
            self.tr("有错误的行"),
            select="none",
        )
        self.problems.setObjectName("catalog_problems")
        self._empty_text = self.tr(
            "检查后，这里逐行列出文件中的错误（行号按表格显示，表头为第 1 行）。"
        )
        self.empty_note = QLabel(self._empty_text)
        self.empty_note.setObjectName("catalog_empty_note")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        empty = QFrame()
        empty.setProperty("role", "card")
        empty_layout = QVBoxLayout(empty)
        empty_layout.setContentsMargins(20, 20, 20, 20)
        empty_layout.addWidget(self.empty_note)
        self.result_stack = QStackedWidget()
        self.result_stack.addWidget(empty)
        self.result_stack.addWidget(self.problems)

        files = QHBoxLayout()
        files.addWidget(self.path_field, 1)
        files.addWidget(self.choose_button)
        files.addWidget(self.check_button)
        files.addWidget(self.import_button)
        left = QVBoxLayout()
        left.setSpacing(12)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addWidget(self.catalog_count)
        heading.addStretch(1)
        left.addLayout(heading)
        left.addWidget(intro)
        left.addLayout(files)
        left.addWidget(self.summary)
        left.addWidget(self.result_stack, 1)
        body = QHBoxLayout(self)
        body.setContentsMargins(24, 16, 24, 16)
        body.setSpacing(16)
        body.addLayout(left, 1)
        body.addWidget(self._columns_card())

        self.choose_button.clicked.connect(self.on_choose_clicked)
        self.check_button.clicked.connect(self.on_check_clicked)
        self.import_button.clicked.connect(self.on_import_clicked)
        self.template_button.clicked.connect(self.on_template_clicked)
        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self._update_buttons()
        self.reload()

    def _columns_card(self) -> QFrame:
        card = QFrame()
        card.setObjectName("catalog_columns")
        card.setProperty("role", "card")
        card.setFixedWidth(560)
        heading = QLabel(self.tr("文件的列"))
        heading.setProperty("role", "title")
        note = QLabel(
            self.tr(
                "Excel 工作簿分 事项、材料、流程、一件事 四张表，一行一条，单元格内无需分隔符；"
                "CSV 只有事项一张表，材料和流程在单元格内每行写一条。第一行为表头；带 * 的列"
                "新记录必填；未公布的内容留空（显示“请咨询窗口”）。示例行不会被导入。"
            )
        )
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        names = QLabel(
            "<br><br>".join(
                f"<b>{html.escape(sheet)}</b>："
                + "、".join(html.escape(c.header) + (" *" if c.required else "") for c in columns)
                for sheet, columns in SHEETS.items()
            )
        )
        names.setObjectName("catalog_column_names")
        names.setTextFormat(Qt.TextFormat.RichText)
        names.setWordWrap(True)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(20, 20, 20, 20)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addWidget(names)
        layout.addStretch(1)
        layout.addWidget(self.template_button)
        return card

    # -- the file -----------------------------------------------------------------------------

    def set_path(self, path: Path | str) -> None:
        """Choose the file to import (what the file dialog does; tests call it directly)."""
        self._path = Path(path)
        self.path_field.setText(str(self._path))
        self._clean_path = None
        self._show_summary(self.tr("已选择文件，请点“检查文件”。"), None)
        self.problems.set_rows([])
        self.empty_note.setText(self._empty_text)
        self.result_stack.setCurrentIndex(0)
        self._update_buttons()

    @Slot()
    def on_choose_clicked(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("选择事项目录文件"),
            str(self._path.parent) if self._path else "",
            self.tr("事项目录 (*.xlsx *.csv)"),
        )
        if chosen:
            self.set_path(chosen)

    @Slot()
    def on_template_clicked(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("保存导入模板"), "事项导入模板.xlsx", self.tr("Excel 文件 (*.xlsx)")
        )
        if target:
            self.save_template(Path(target))

    def save_template(self, path: Path) -> None:
        """Write the import template to ``path`` in the background."""
        self._context.runner.submit(
            write_template_op(path),
            guarded(self, self._template_saved),
            guarded(self, self._failed),
            with_session=False,
        )

    def _template_saved(self, path: Path) -> None:
        self._show_summary(self.tr("模板已保存到 {path}").format(path=path), True)

    # -- check and import ---------------------------------------------------------------------

    @Slot()
    def on_check_clicked(self) -> None:
        if self._path is None or self._busy:
            return
        self._start(self.tr("正在检查 {name}…").format(name=self._path.name))
        path = self._path

        def checked(report: CatalogReport) -> None:
            self._checked(path, report)

        self._context.runner.submit(
            check_catalog_op(self._context.staff, path),
            guarded(self, checked),
            guarded(self, self._failed),
        )

    @Slot()
    def on_import_clicked(self) -> None:
        path = self._path
        if path is None or path != self._clean_path or self._busy:
            return
        self._start(self.tr("正在导入 {name}…").format(name=path.name))

        def refused(exc: BaseException) -> None:
            if isinstance(exc, CatalogImportError):
                self._clean_path = None
                report = problems_report(path, False, exc)
                self._done(report)
                self.imported.emit(report)
            else:
                self._failed(exc)

        def done(report: CatalogReport) -> None:
            self._clean_path = None
            self._done(report)
            self.imported.emit(report)

        self._context.runner.submit(
            import_catalog_op(self._context.staff, path),
            guarded(self, done),
            guarded(self, refused),
        )

    def _start(self, text: str) -> None:
        self._busy = True
        self._update_buttons()
        self._show_summary(text, None)

    def _checked(self, path: Path, report: CatalogReport) -> None:
        self._clean_path = path if report.clean else None
        self._done(report)
        self.checked.emit(report)

    def _done(self, report: CatalogReport) -> None:
        self._busy = False
        self.problems.set_rows(
            [
                Row(index, (sheet or self.tr("事项"), number_cell(number), reason))
                for index, (sheet, number, reason) in enumerate(report.problems)
            ]
        )
        self.result_stack.setCurrentIndex(1 if report.problems else 0)
        if not report.problems:
            counts = self.tr("新增 {inserted} 项\n更新 {updated} 项\n未变 {unchanged} 项")
            self.empty_note.setText(
                counts.format(
                    inserted=report.inserted, updated=report.updated, unchanged=report.unchanged
                )
            )
        if report.problems:
            text = self.tr(
                "{name}：{rows} 行有错误（共 {count} 处），未导入任何事项。请修改后重新检查。"
            )
            self._show_summary(
                text.format(name=report.file, rows=report.bad_rows, count=len(report.problems)),
                False,
            )
        else:
            text = (
                self.tr(
                    "检查通过（{total} 行）：将新增 {inserted}，更新 {updated}，未变 {unchanged}。"
                )
                if report.dry_run
                else self.tr("已导入 {name}：新增 {inserted}，更新 {updated}，未变 {unchanged}。")
            )
            total = report.inserted + report.updated + report.unchanged
            self._show_summary(
                text.format(
                    name=report.file,
                    total=total,
                    inserted=report.inserted,
                    updated=report.updated,
                    unchanged=report.unchanged,
                ),
                True,
            )
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        message = user_message(exc, "catalog_import")
        self._show_summary(message, False)
        self._update_buttons()
        self.failed.emit(message)

    def _show_summary(self, text: str, ok: bool | None) -> None:
        self.summary.setText(text)
        self.summary.setAccessibleName(text)
        restyle(self.summary, "muted" if ok is None else ("ok" if ok else "error"))

    def _update_buttons(self) -> None:
        self.choose_button.setEnabled(not self._busy)
        self.check_button.setEnabled(self._path is not None and not self._busy)
        self.import_button.setEnabled(
            self._path is not None and self._path == self._clean_path and not self._busy
        )

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, "catalog"):
            self.reload()

    def reload(self) -> None:
        """Count the matters in use, in the background."""
        self._context.runner.submit(
            catalog_size,
            guarded(self, self._show_size),
            guarded(self, self._size_failed),
            write=False,
        )

    def _show_size(self, count: int) -> None:
        self.catalog_count.setText(self.tr("目录中现有 {count} 个在用事项").format(count=count))
        self.catalog_loaded.emit(count)

    def _size_failed(self, exc: BaseException) -> None:
        self.catalog_count.setText(user_message(exc, "catalog_size"))
