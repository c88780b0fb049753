"""`python -m stdcrawl` is the `stdcrawl` command."""

import sys

from stdcrawl.cli import main

if __name__ == "__main__":  # not when a `reparse --jobs` worker process imports it
    sys.exit(main())
