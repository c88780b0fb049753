"""`python -m stdcrawl` is the `stdcrawl` command."""

import sys

from stdcrawl.cli import main

sys.exit(main())
