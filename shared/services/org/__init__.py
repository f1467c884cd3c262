"""The hall's organisation: sites, departments, queues, windows, and the workbook that loads
them all at once. The public verbs are re-exported here."""

from shared.services.org.entities import (
    POLICY_ZH,
    SITE_KIND_ZH,
    DepartmentInfo,
    QueueInfo,
    SiteInfo,
    WindowInfo,
    get_queue,
    list_departments,
    list_queues,
    list_sites,
    list_windows,
    parse_policy,
    parse_site_kind,
    save_department,
    save_queue,
    save_site,
    save_window,
)
from shared.services.org.workbook import ImportReport, export, import_workbook, template

__all__ = [
    "POLICY_ZH",
    "SITE_KIND_ZH",
    "DepartmentInfo",
    "ImportReport",
    "QueueInfo",
    "SiteInfo",
    "WindowInfo",
    "export",
    "get_queue",
    "import_workbook",
    "list_departments",
    "list_queues",
    "list_sites",
    "list_windows",
    "parse_policy",
    "parse_site_kind",
    "save_department",
    "save_queue",
    "save_site",
    "save_window",
    "template",
]
