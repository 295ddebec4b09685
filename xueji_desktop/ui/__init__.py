"""The Qt screens: they show and ask, and call services; no rule or SQL lives here."""
