"""python -m headercheck."""

import sys

from headercheck.cli import main

sys.exit(main())
