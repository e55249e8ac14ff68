"""`charter user add|list|disable|enable`: local accounts. Passwords are read from standard input only."""

from __future__ import annotations

import argparse
import getpass
import sys

from metrics import accounts, store


def _password(args: argparse.Namespace) -> str | None:
    """Ask twice on a terminal; read one line from a pipe; never from the command line."""
    if args.no_password:
        return None
    if sys.stdin.isatty():
        first = getpass.getpass("Password (12 characters or more): ")
        if getpass.getpass("The same again: ") != first:
            raise accounts.AccountError("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise accounts.AccountError(
            "no password on standard input; pipe one in, or use --no-password for Microsoft 365"
        )
    return line


def cmd_add(args: argparse.Namespace) -> int:
    password = _password(args)
    with store.connect(args.db, wait=args.wait, create=False) as con:
        store.require_current(con, args.db)
        actor = accounts.acting(con, args.as_email, accounts.login_name(args.by))
        account = accounts.add_user(
            con, actor, email=args.email, role=args.role, partners=args.partner or [], password=password,
            name=args.name or "",
        )  # fmt: skip
    where = f" for {', '.join(account.partners)}" if account.partners else ""
    how = "a password" if account.local else "Microsoft 365 sign-in"
    print(f"{account.email}: {account.role.value}{where}, signs in with {how}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with store.connect(args.db, wait=args.wait, read_only=True) as con:
        store.require_current(con, args.db)
        accounts.require_users(accounts.acting(con, args.as_email, accounts.login_name(args.by)))
        rows = accounts.list_accounts(con)
    if not rows:
        print("No accounts.")
    for a in rows:
        state = "disabled" if a.disabled else "active"
        how = "password" if a.local else "Microsoft 365"
        print(f"{a.email}\t{a.role.value}\t{','.join(a.partners) or '-'}\t{how}\t{state}")
    return 0


def cmd_disable(args: argparse.Namespace, disabled: bool = True) -> int:
    with store.connect(args.db, wait=args.wait, create=False) as con:
        store.require_current(con, args.db)
        actor = accounts.acting(con, args.as_email, accounts.login_name(args.by))
        accounts.set_disabled(con, actor, args.email, disabled)
    print(f"{args.email.strip().lower()}: {'disabled' if disabled else 'enabled'}.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    users = sub.add_parser("user", help="manage local accounts and roles")
    verbs = users.add_subparsers(dest="verb", required=True, metavar="VERB")
    p = verbs.add_parser("add", help="add an account, or change one's role, councils or password")
    p.add_argument("email")
    p.add_argument("--role", required=True, choices=["viewer", "officer", "board", "admin"])
    p.add_argument("--partner", action="append", metavar="CODE", help="an officer's council (repeat for more)")
    p.add_argument("--name", help="the person's name, as shown on pages")
    p.add_argument("--no-password", action="store_true", help="signs in with Microsoft 365 only")
    p.set_defaults(func=cmd_add)
    p = verbs.add_parser("list", help="list accounts (never passwords)")
    p.set_defaults(func=cmd_list)
    p = verbs.add_parser("disable", help="stop an account signing in (it and its history are kept)")
    p.add_argument("email")
    p.set_defaults(func=cmd_disable)
    p = verbs.add_parser("enable", help="let a disabled account sign in again")
    p.add_argument("email")
    p.set_defaults(func=lambda a: cmd_disable(a, False))
