"""The 异动 tab: the procedure wizards, the procedures list, the timeline, absences."""
