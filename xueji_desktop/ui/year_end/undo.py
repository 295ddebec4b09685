"""撤销学年结束: put the data back as it was before the last year end (services/year_end.py `undo`), while nothing has
been done since; otherwise the clerk reads why not (`undoable().refusal`). Asked from the 学年 menu and from the
wizard's result page, through the operation runner, announcing every area (the whole data file is restored)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from xueji_desktop.services import year_end
from xueji_desktop.store import Store
from xueji_desktop.ui.common import operations
from xueji_desktop.ui.common.messages import ask, show_error

TITLE = "撤销学年结束"


def undo_year_end(parent: QWidget | None, store: Store) -> bool:
    """Say why it cannot be undone, or ask, then undo. True when it was undone."""
    can = year_end.undoable(store)
    if can.refusal:
        show_error(parent, TITLE, can.refusal)
        return False
    if not ask(
        parent,
        TITLE,
        f"撤销{can.name}的学年结束？\n\n数据将恢复到办理前的备份：毕业、升级和新学年都不再保留，"
        "学生回到原年级、原班级，当前学年回到" + f"{can.name}。",
    ):
        return False
    outcome = operations.run(
        parent,
        TITLE,
        lambda: year_end.undo(store),
        changes=operations.AREAS,
        long="正在撤销学年结束……",
        not_done="没有撤销",
    )
    if outcome.ok:
        QMessageBox.information(parent, TITLE, f"已撤销{outcome.value}的学年结束，数据已恢复到办理前。")
    return outcome.ok
