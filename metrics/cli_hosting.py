"""`charter partnership ...`: the partnerships one install serves (docs/hosting.md), each in a database of its own."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from metrics import accounts, store
from metrics.access import Action, Actor, require


def _host_admin(args: argparse.Namespace) -> Actor:
    """The install's administrator: an admin of its own database, or the file's owner at the command line."""
    with store.connect(args.db, wait=args.wait, read_only=True) as con:
        store.require_current(con, args.db)
        actor = accounts.acting(con, args.as_email, accounts.login_name(args.by))
        require(actor, Action.USERS)
    return actor


def cmd_list(args: argparse.Namespace) -> int:
    from metrics import hosting

    for hosted in hosting.partnerships(args.db, wait=args.wait):
        where = "the install's own database" if hosted.home else str(hosted.path)
        print(f"{hosted.code}\t{hosted.name}\tlead {hosted.lead_partner_code}\t{where}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from metrics import hosting, submissions
    from metrics.framework import read_framework
    from metrics.loader import load_framework

    path = Path(args.file)
    fw = read_framework(path)
    actor = _host_admin(args)
    sha = submissions.sha256(path.read_bytes())
    hosted = hosting.add(args.db, lambda con: load_framework(con, fw, by=actor, sha256=sha), by=actor, wait=args.wait)
    print(f"Added {hosted.code} ({hosted.name}) in {hosted.path}.")
    print(f"Its administrators: `charter --partnership {hosted.code} user add EMAIL --role admin`.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from metrics import hosting

    actor = _host_admin(args)
    hosted = hosting.adopt(args.db, Path(args.file), by=actor, wait=args.wait)
    print(f"Added {hosted.code} ({hosted.name}) from {args.file} in {hosted.path}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from metrics import backup, hosting

    _host_admin(args)
    source = hosting.path_for(args.db, args.code, wait=args.wait)
    copied = backup.backup(source, Path(args.out), wait=args.wait)
    print(f"Exported {args.code.upper()} whole to {copied.target}: {copied.summary()}.")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from metrics import hosting

    if args.confirm.upper() != args.code.upper():
        raise hosting.HostingError(f"to delete {args.code} and all its data, repeat its code: --confirm {args.code}")
    actor = _host_admin(args)
    gone = hosting.remove(args.db, args.code, by=actor, wait=args.wait)
    print(f"Deleted {args.code.upper()}: the install no longer serves it and {gone} is removed.")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from metrics import partnership_settings as ps

    if args.data_due_days is not None:
        raise ps.SettingsRefused(
            "the days data are due come from the framework file (partnership.data_due_days), which "
            "`charter load-framework` writes on every load: change it there and load the file again"
        )
    public = None if args.public is None else ps.parse_public(args.public)
    upload = None if args.max_upload_mb is None else ps.parse_upload(args.max_upload_mb)
    with store.connect(args.db, wait=args.wait, read_only=public is None and upload is None, create=False) as con:
        store.require_current(con, args.db)
        actor = accounts.acting(con, args.as_email, accounts.login_name(args.by))
        if public is not None or upload is not None:
            changed = ps.change(con, actor, public=public, max_upload_mb=upload)
            print(f"Changed {', '.join(changed)}." if changed else "Nothing to change: the settings were already so.")
        code = con.execute("SELECT short_name FROM core.partnership").fetchall()
        print(f"Settings of {code[0][0] if code else 'this database'}:")
        for line in ps.effective(con).lines():
            print(f"  {line}")
    return 0


def register(subparsers: Any) -> None:
    """Add `charter partnership list|add|import|export|delete` to the `charter` command's subparsers."""
    group = subparsers.add_parser("partnership", help="the partnerships this install serves (list, add, export, ...)")
    sub = group.add_subparsers(dest="partnership_command", required=True, metavar="ACTION")
    sub.add_parser("list", help="every partnership and its database file").set_defaults(func=cmd_list)
    p = sub.add_parser("add", help="serve a new partnership, in a database of its own, from its framework file")
    p.add_argument("file", metavar="FRAMEWORK.yaml")
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("import", help="serve a partnership exported whole from another install")
    p.add_argument("file", metavar="EXPORT")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("export", help="copy one partnership's whole database into a new file")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--out", required=True, metavar="FILE", help="the new file (never overwritten)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("delete", help="stop serving a hosted partnership and delete its database")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--confirm", required=True, metavar="CODE", help="the partnership's code again")
    p.set_defaults(func=cmd_delete)
    p = subparsers.add_parser(
        "settings", help="the partnership's own settings (public, upload limit), and where each comes from"
    )
    p.add_argument("--public", metavar="yes|no|default", help="pages readable without signing in")
    p.add_argument("--max-upload-mb", metavar="N|default", help="the largest file officers may upload, in MB")
    p.add_argument(
        "--data-due-days", type=int, metavar="N", help="refused: set partnership.data_due_days in the framework"
    )
    p.set_defaults(func=cmd_settings)
