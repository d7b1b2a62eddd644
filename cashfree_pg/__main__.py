"""``python -m cashfree_pg``: see ``cashfree_pg.cli``."""

import sys

from cashfree_pg.cli import main

if __name__ == "__main__":
    sys.exit(main())
