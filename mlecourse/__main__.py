"""The ``mlecourse`` command: ``mlecourse assign`` and ``mlecourse grade``.

Run ``mlecourse --help`` (or ``python -m mlecourse --help``) for the options.
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlecourse",
        description="Coursework tools of the course 'Likelihood, Maximum Likelihood and EM'.")
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser(
        "assign", help="write student notebooks (and optionally a book copy) without solutions",
        description="Write DIR/<chapter>.ipynb for each chapter, without solutions; with --site, "
                    "also a copy of the book's sources without solutions.")
    a.add_argument("--out", metavar="DIR", help="folder for the student notebooks")
    a.add_argument("--site", metavar="DIR",
                   help="folder for a solution-free copy of _config.yml, _toc.yml and book/")
    a.add_argument("--chapters", nargs="+", metavar="SLUG",
                   help="chapters to write (default: every notebook chapter in _toc.yml)")
    a.add_argument("--root", default=".", metavar="DIR",
                   help="the course repository (default: the current folder)")

    g = sub.add_parser(
        "grade", help="grade submitted notebooks against hidden tests",
        description="Run SUBMISSIONS/<student>/<chapter>.ipynb, each in a fresh kernel, and "
                    "grade the answers against the hidden tests in a separate process. Writes "
                    "OUT/gradebook.csv, OUT/summary.csv and OUT/feedback/<student>.md.")
    g.add_argument("submissions", metavar="SUBMISSIONS_DIR")
    g.add_argument("--tests", required=True, metavar="DIR",
                   help="folder of hidden tests, one <chapter>.py each (tests/instructor)")
    g.add_argument("--out", required=True, metavar="GRADES_DIR", help="where to write grades")
    g.add_argument("--timeout", type=float, default=120,
                   help="seconds of execution per notebook (default: 120)")
    g.add_argument("--memory", type=int, default=2048, metavar="MIB",
                   help="address-space limit per notebook kernel in MiB (default: 2048)")
    g.add_argument("--jobs", type=int, default=1, help="notebooks run at once (default: 1)")
    return parser


def main(argv=None) -> int:
    """Entry point of the ``mlecourse`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "assign":
        if not args.out and not args.site:
            parser.error("assign needs --out DIR, --site DIR or both")
        from .coursework.assign import assign, write_site
        from .coursework.chapter import ChapterFormatError

        try:
            if args.out:
                for path in assign(args.out, root=args.root, chapters=args.chapters):
                    print(path)
            if args.site:
                if args.chapters:
                    parser.error("--site copies the whole book; --chapters applies to --out")
                problems = write_site(args.site, root=args.root)
                for line in problems:
                    print(f"warning: {line}", file=sys.stderr)
                print(f"solution-free book sources in {args.site}; build them with "
                      f"'jupyter-book build {args.site}'")
        except (ValueError, ChapterFormatError, OSError) as exc:
            print(f"mlecourse assign: {exc}", file=sys.stderr)
            return 2
        return 0
    from .coursework.grade import grade

    try:
        grades = grade(args.submissions, args.tests, args.out, timeout=args.timeout,
                       memory_mb=args.memory, jobs=args.jobs)
    except (ValueError, OSError) as exc:
        print(f"mlecourse grade: {exc}", file=sys.stderr)
        return 2
    print(f"graded {len(grades)} notebook(s); gradebook in {args.out}/gradebook.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
