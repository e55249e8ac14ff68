"""`charter backup`, `charter restore` and `charter publish`: the whole database kept safe, and open data."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from metrics import accounts, store
from metrics.access import Action, require


def _require_admin(args: argparse.Namespace, db: Path, action: Action) -> None:
    """A backup holds every account and the audit trail: only an administrator (or the file's owner) may act."""
    if db.exists():
        with store.connect(db, wait=args.wait, read_only=True) as con:
            require(accounts.acting(con, args.as_email, accounts.login_name(args.by)), action)


def cmd_backup(args: argparse.Namespace) -> int:
    from metrics import backup, hosting

    _require_admin(args, args.db, Action.USERS)
    copied = backup.backup(args.db, Path(args.out), wait=args.wait)
    print(f"Backed up {args.db} to {copied.target}: {copied.summary()}.")
    print(f"{copied.target}: only its owner can read it; it holds every account and the audit trail, so keep it safe.")
    for line in hosting.backup_notes(args.db, wait=args.wait):  # docs/hosting.md, "Backups"
        print(line)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from metrics import backup, hosting

    _require_admin(args, args.db, Action.USERS)
    copied, kept = backup.restore(Path(args.file), args.db, wait=args.wait)
    print(f"Restored {args.db} from {copied.source}: {copied.summary()}.")
    if kept is not None:
        print(f"The database it replaced is kept at {kept}.")
    for line in hosting.backup_notes(args.db, restored=True, wait=args.wait):
        print(line)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from metrics import publish

    with store.connect(args.db, wait=args.wait, read_only=True, as_of=args.as_of) as con:
        store.require_current(con, args.db)
        require(accounts.acting(con, args.as_email, accounts.login_name(args.by)), Action.FRAMEWORK)
        counts = publish.publish(con, args.partnership, Path(args.out))
    rows = ", ".join(f"{name} {count}" for name, count in counts.items())
    print(f"Wrote the open data package for {args.partnership} to {args.out} (rows: {rows}).")
    return 0


def register(subparsers: Any) -> None:
    """Add the backup, restore and open-data commands to the `charter` command's subparsers."""
    p = subparsers.add_parser("backup", help="copy the whole database into a new file, checked table by table")
    p.add_argument("--out", required=True, metavar="FILE", help="the new backup file (never overwritten)")
    p.set_defaults(func=cmd_backup)

    p = subparsers.add_parser("restore", help="replace the database with a backup (the old one is kept beside it)")
    p.add_argument("file", metavar="BACKUP")
    p.set_defaults(func=cmd_restore)

    p = subparsers.add_parser("publish", help="write approved figures and progress as an open-data package")
    p.add_argument("--partnership", required=True, metavar="CODE", help="the partnership's code, e.g. LICTP")
    p.add_argument("--out", required=True, metavar="DIR", help="a new folder for datapackage.json and its CSVs")
    p.set_defaults(func=cmd_publish)
