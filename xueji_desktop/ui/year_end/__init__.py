"""学年结束 on the screen (第十五条、第二十一条、第二十九条): the wizard (wizard.py) with its 在办业务清理 page
(check_page.py), and 撤销学年结束 (undo.py) — the same steps as `xueji year-end`, through services/year_end.py."""
