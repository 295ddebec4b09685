"""学籍桌面 (XueJi Desktop): the offline registrar's application for one school's student-status records."""

__version__ = "0.1.0"
APP_NAME = "学籍桌面"
