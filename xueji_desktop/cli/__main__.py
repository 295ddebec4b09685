"""python -m xueji_desktop.cli"""

import sys

from xueji_desktop.cli import main

sys.exit(main())
