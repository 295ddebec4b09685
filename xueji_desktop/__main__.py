"""`python -m xueji_desktop` starts the GUI."""

import sys

from xueji_desktop.app import main

sys.exit(main())
