"""`mauzo user …` and `mauzo apikey …`: manage who may sign in, through task-tracker's admin API.

Passwords are read from standard input (a prompt on a terminal), never from the command line,
where other users of the machine could read them in the process list.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated, Any, NoReturn
from urllib.parse import quote

import httpx
import typer
from rich.console import Console
from rich.table import Table

from mauzo_cli.credentials import NoCredentials, cli_auth, error_text
from mauzo_common.settings import MauzoSettings

users = typer.Typer(help="Users who sign in with a password.", no_args_is_help=True)
keys = typer.Typer(help="API keys for machines (client-credentials sign-in).", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

ApiKeyOption = Annotated[
    str | None,
    typer.Option("--api-key", envvar="MAUZO_API_KEY", help="Act with this API key (an admin's)"),
]
RoleOption = Annotated[str, typer.Option("--role", help="viewer, uploader or admin")]
BranchesOption = Annotated[
    str | None, typer.Option("--branches", help="Comma-separated branches (default: all)")
]


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]{message}[/]")
    raise typer.Exit(code)


def call(method: str, path: str, api_key: str | None, json: Any = None) -> httpx.Response:
    settings = MauzoSettings()
    url = f"{settings.tracker_url}{path}"
    try:
        response = httpx.request(
            method, url, json=json, auth=cli_auth(settings, api_key), timeout=60
        )
    except NoCredentials as exc:
        fail(f"Cannot authenticate: {exc}")
    except httpx.HTTPError as exc:
        fail(f"task-tracker does not answer at {settings.tracker_url} ({exc.__class__.__name__}): "
             "is the stack up? Start it with `mauzo up`.", 2)  # fmt: skip
    if response.status_code >= 400:
        fail(f"Refused: {error_text(response)}")
    return response


def branch_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    branches = [b.strip() for b in text.split(",") if b.strip()]
    return branches or None


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            fail("The passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def shown_branches(branches: list[str] | None) -> str:
    return "all" if branches is None else ", ".join(branches)


@users.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name")],
    role: RoleOption,
    branches: BranchesOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Add a user; the password is read from standard input (prompted on a terminal)."""
    password = read_password()
    if len(password) < 8:
        fail("A password needs at least 8 characters.")
    body = {"username": name, "password": password, "role": role,
            "branches": branch_list(branches)}  # fmt: skip
    user = call("POST", "/api/users", api_key, body).json()
    console.print(f"user {user['username']} added: {user['role']}, branches "
                  f"{shown_branches(user['branches'])}")  # fmt: skip


@users.command("list")
def user_list(api_key: ApiKeyOption = None) -> None:
    """Every user, its role and branches."""
    table = Table("user", "role", "branches", "created", "disabled")
    for user in call("GET", "/api/users", api_key).json():
        table.add_row(user["username"], user["role"], shown_branches(user["branches"]),
                      user["created_at"][:19], "yes" if user["disabled"] else "")  # fmt: skip
    console.print(table)


@users.command("remove")
def user_remove(name: str, api_key: ApiKeyOption = None) -> None:
    """Remove a user: its refresh tokens stop working at once, its access tokens within minutes."""
    call("DELETE", f"/api/users/{quote(name, safe='')}", api_key)
    console.print(f"user {name} removed")


@keys.command("add")
def key_add(
    name: Annotated[str, typer.Argument(help="What the key is for")],
    role: RoleOption,
    branches: BranchesOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Make an API key and print it, once: it is not stored and cannot be shown again."""
    body = {"name": name, "role": role, "branches": branch_list(branches)}
    key = call("POST", "/api/api-keys", api_key, body).json()
    scope = shown_branches(key["branches"])
    console.print(f"API key {key['client_id']} ({key['role']}, branches {scope}). "
                  "Keep it now, it is not shown again:")  # fmt: skip
    print(key["key"])  # plain, so it can be piped


@keys.command("list")
def key_list(api_key: ApiKeyOption = None) -> None:
    """Every API key (never its secret)."""
    table = Table("client id", "name", "role", "branches", "created by", "created", "revoked")
    for key in call("GET", "/api/api-keys", api_key).json():
        table.add_row(key["client_id"], key["name"], key["role"], shown_branches(key["branches"]),
                      key["created_by"], key["created_at"][:19],
                      (key["revoked_at"] or "")[:19])  # fmt: skip
    console.print(table)


@keys.command("revoke")
def key_revoke(client_id: str, api_key: ApiKeyOption = None) -> None:
    """Revoke a key: it cannot sign in again, and its tokens stop being refreshed."""
    call("DELETE", f"/api/api-keys/{quote(client_id, safe='')}", api_key)
    console.print(f"API key {client_id} revoked")
