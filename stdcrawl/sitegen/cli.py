"""The command line: `python -m stdcrawl.sitegen fixtures|synth`.

A thin face over `build_fixtures` and `generate_site`, which tests call
directly. The description is the package docstring's first line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .fixtures import build_fixtures
from .writer import generate_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stdcrawl.sitegen", description=sys.modules[__package__].__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    fx = sub.add_parser("fixtures", help="rebuild fixtures/site and fixtures/expected from fixtures/src")
    fx.add_argument("--dir", type=Path, default=Path(__file__).resolve().parents[2] / "fixtures")
    sy = sub.add_parser("synth", help="write a synthetic site")
    sy.add_argument("--n", type=int, default=5000)
    sy.add_argument("--out", type=Path, required=True)
    sy.add_argument("--seed", type=int, default=0)
    sy.add_argument("--per-page", type=int, default=20)
    sy.add_argument("--end", type=dt.date.fromisoformat, default=None, help="last G4 date (default today)")
    sy.add_argument("--clean", action="store_true", help="empty OUT first")
    sy.add_argument("--full-weight", type=float, default=0.0, metavar="SHARE",
                    help="share of article pages (0-1) in the full-weight families (40-60 KB: menus, sidebars, boxes)")
    sy.add_argument("--copies", type=int, default=0,
                    help="add N lightly edited copies of stories and N same-title different stories (copies.py)")
    args = parser.parse_args(argv)
    if args.command == "fixtures":
        manifest = build_fixtures(args.dir)
        print(f"{len(manifest['pages'])} pages, {manifest['expected_article_count']} articles expected -> {args.dir}")
    else:
        if not 0 <= args.full_weight <= 1:
            parser.error("--full-weight is a share between 0 and 1")
        site = generate_site(args.out, args.n, args.seed, end=args.end, per_page=args.per_page, clean=args.clean,
                             full_weight=args.full_weight, copies=args.copies)
        print(f"{len(site['articles'])} articles ({len(site.get('copies', []))} copies and same-title stories), "
              f"{len(site['list_pages'])} list pages -> {args.out}")
    return 0
