"""Read-only tables as the console shows them (lists of accounts, of changes)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

from reception.i18n import translate
from shared.qt.theme import tokens_for


def read_only_table(headers: Sequence[str], name: str) -> QTableWidget:
    """A table staff read but do not edit, with a named header tall enough to touch.

    Args:
        headers: the translated column titles.
        name: the accessible name of the table.
    """
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setAccessibleName(translate("Tables", "{name}的列标题").format(name=name))
    header.setMinimumHeight(tokens_for(False).min_target)
    header.setSectionsClickable(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table
