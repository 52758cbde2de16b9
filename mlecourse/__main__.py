"""The ``mlecourse`` command: ``assign``, ``grade`` and ``instructor-init``.

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
        description="Run SUBMISSIONS/<student>/<chapter>.ipynb, each sealed off in a fresh "
                    "bubblewrap sandbox, and grade the answers against the hidden tests in the "
                    "grader's own process. Each result is stored in OUT/results as it finishes "
                    "and reused by the next run unless the notebook or its tests changed (an "
                    "interrupted run resumes). Writes OUT/gradebook.csv (per exercise), "
                    "OUT/summary.csv (per notebook), OUT/totals.csv (per student, for Canvas "
                    "or Moodle) and OUT/feedback/<student>.md.")
    g.add_argument("submissions", metavar="SUBMISSIONS_DIR")
    g.add_argument("--tests", required=True, metavar="DIR",
                   help="folder of hidden tests, one <chapter>.py each (keep it private; "
                        "see 'mlecourse instructor-init')")
    g.add_argument("--out", required=True, metavar="GRADES_DIR", help="where to write grades")
    g.add_argument("--roster", metavar="CSV",
                   help="class list with a 'student' column (the submission folder name) and "
                        "optional name, id, sis_user_id, section: every student gets a row")
    g.add_argument("--chapters", nargs="+", metavar="SLUG",
                   help="grade only these chapters (default: every chapter with tests)")
    g.add_argument("--timeout", type=float, default=120,
                   help="seconds of execution per notebook (default: 120)")
    g.add_argument("--memory", type=int, default=2048, metavar="MIB",
                   help="address-space limit per notebook process in MiB (default: 2048)")
    g.add_argument("--processes", type=int, default=128,
                   help="most processes and threads per notebook (default: 128)")
    g.add_argument("--jobs", type=int, default=1, help="notebooks run at once (default: 1)")
    g.add_argument("--regrade", action="store_true",
                   help="grade every notebook again, ignoring stored results")
    g.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="where no sandbox can start (macOS, no user namespaces), run the "
                        "notebooks unsealed: only for notebooks you trust; the reports say so")

    i = sub.add_parser(
        "instructor-init", help="write a private instructor folder with hidden tests to adapt",
        description="Copy the course's example hidden tests (public, like the self-checks) "
                    "into DIR, with a README on keeping them private and writing variants.")
    i.add_argument("dir", metavar="DIR", help="the new folder (must not exist)")
    i.add_argument("--root", default=".", metavar="DIR",
                   help="the course repository (default: the current folder)")
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
    if args.command == "instructor-init":
        from .coursework.hidden import instructor_init

        try:
            written = instructor_init(args.dir, root=args.root)
        except (ValueError, OSError) as exc:
            print(f"mlecourse instructor-init: {exc}", file=sys.stderr)
            return 2
        for path in written:
            print(path)
        print(f"private instructor folder in {args.dir}: make it a private repository "
              f"(git init) and grade with --tests {args.dir}/tests")
        return 0
    from .coursework.grade import grade

    try:
        grades = grade(args.submissions, args.tests, args.out, timeout=args.timeout,
                       memory_mb=args.memory, jobs=args.jobs, roster=args.roster,
                       chapters=args.chapters, resume=not args.regrade,
                       unsafe=args.unsafe_no_sandbox, processes=args.processes)
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"mlecourse grade: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mlecourse grade: interrupted; the notebooks graded so far are kept in "
              f"{args.out}/results, and the same command resumes", file=sys.stderr)
        return 130
    print(f"graded {len(grades)} notebook(s); gradebook in {args.out}/gradebook.csv, "
          f"totals in {args.out}/totals.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
