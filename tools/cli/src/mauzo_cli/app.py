"""The `mauzo` command line: run the embedded stack, drop files, make demo data."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from mauzo_cli import admin, demo, status_report
from mauzo_cli.credentials import NoCredentials, cli_auth
from mauzo_cli.drop import DropRefused, follow, upload
from mauzo_cli.launcher import StackError, running_stack
from mauzo_cli.produce import DemoProducer, FileRefused, produce_file
from mauzo_cli.settings import LauncherSettings
from mauzo_cli.watch import DropFolder
from mauzo_common.auth.local_secrets import take_admin_password
from mauzo_common.settings import MauzoSettings

app = typer.Typer(
    help="Mauzo: sales files and events in, dashboard answers out.", no_args_is_help=True
)
console = Console()
app.add_typer(admin.users, name="user")
app.add_typer(admin.keys, name="apikey")
ApiKeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        envvar="MAUZO_API_KEY",
        help="Sign in with this API key (<client_id>.<secret>); default: the operator's token "
        "from this machine's stack keys",
    ),
]


def _auth(settings: MauzoSettings, api_key: str | None) -> httpx.Auth:
    try:
        return cli_auth(settings, api_key)
    except NoCredentials as exc:
        console.print(f"[red]Cannot authenticate:[/] {exc}")
        raise typer.Exit(1) from exc


@app.command()
def up(
    with_demo: Annotated[
        bool, typer.Option("--demo", help="Generate and drop the demo data set")
    ] = False,
    demo_rows: Annotated[int, typer.Option(help="Lines in the demo data set")] = 120_000,
) -> None:
    """Start the broker, olap-lite and every service on loopback; Ctrl-C stops them all.

    A service that dies is restarted with backoff while the rest keep serving; one that keeps
    dying is given up on (see `mauzo status`)."""
    settings = LauncherSettings()
    started = time.monotonic()
    stack_stops: list[Callable[[], None]] = []
    try:
        with running_stack(settings, settings.data_dir / "logs") as stack:
            console.print(f"[green]Mauzo is up[/] in {time.monotonic() - started:.1f}s")
            for spec in stack.specs():
                where = f"127.0.0.1:{spec.port}" if spec.name == "broker" else spec.url
                console.print(f"  {spec.name:<13} {where}")
            console.print(f"  GraphQL       http://127.0.0.1:{settings.query_api_port}/graphql")
            console.print(f"  logs          {settings.data_dir.resolve() / 'logs'}")
            first_password = take_admin_password(settings.data_dir)
            if first_password is not None:
                console.print(
                    "[yellow]First start: sign in as[/] admin [yellow]with the password[/] "
                    f"{first_password} [yellow](shown this once; change it with PATCH "
                    "/api/users/admin)[/]"
                )
            if with_demo:
                path = settings.data_dir / "demo" / "mauzo_demo_sales.csv"
                console.print(f"Generating {demo_rows:,} demo lines into {path} ...")
                demo.generate(path, demo.DemoConfig(lines=demo_rows))
                _drop(settings, path, "sales", 900, _auth(settings, None))
                live = DemoProducer(settings.bootstrap_servers)
                live.start()
                stack_stops.append(live.stop)
                console.print("A demo till streams a few sales a second into `sales`.")
            console.print("Press Ctrl-C to stop.")
            while True:
                for event in stack.supervise():
                    colour = {"gave_up": "red", "exited": "yellow", "killed": "yellow"}.get(
                        event.kind, "green"
                    )
                    console.print(f"[{colour}]{event.message}[/]")
                time.sleep(0.25)
    except StackError as exc:
        console.print(f"[red]Could not start Mauzo:[/] {exc}")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        console.print("Stopped.")
    finally:
        for stop in stack_stops:
            stop()


@app.command()
def drop(
    path: Annotated[Path, typer.Argument(exists=True, readable=True, help="A file or a folder")],
    datasource: Annotated[str, typer.Option(help="Datasource to load into")] = "sales",
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each task")] = 600,
    watch: Annotated[bool, typer.Option(help="Keep watching the folder for new files")] = False,
    api_key: ApiKeyOption = None,
) -> None:
    """Upload a sales file (or every file of a folder) to a running stack and follow it."""
    settings = MauzoSettings()
    auth = _auth(settings, api_key)
    if path.is_file():
        if _drop(settings, path, datasource, timeout, auth).get("state") != "succeeded":
            raise typer.Exit(1)
        return
    folder = DropFolder(path, settings.data_dir / "drop-ledger" / f"{_ledger_name(path)}.json")
    folder.ready()  # first scan: remember sizes, so a file still being copied is not taken
    try:
        while True:
            time.sleep(1)
            for file in folder.ready():
                try:
                    _drop(settings, file, datasource, timeout, auth)
                except typer.Exit:
                    console.print(f"[yellow]{file.name} was refused; see above[/]")
                folder.mark_dropped(file)
            if not watch and not folder.pending():
                return
    except KeyboardInterrupt:
        console.print("Stopped watching.")


def _ledger_name(folder: Path) -> str:
    return hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]


@app.command()
def produce(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A sales file")],
    datasource: Annotated[str, typer.Option(help="Datasource the events load into")] = "sales",
    rate: Annotated[
        float | None, typer.Option(help="Events a second (default: as fast as possible)")
    ] = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Publish each row of a sales file as a sale event on mauzo.sales-events.v1, mapped as a
    drop would map it, and print a summary."""
    settings = MauzoSettings()
    try:
        validator = f"http://127.0.0.1:{settings.validator_port}"
        produced = produce_file(
            settings.bootstrap_servers,
            validator,
            path,
            datasource,
            rate=rate,
            auth=_auth(settings, api_key),
        )
    except FileRefused as exc:
        console.print(f"[red]Not produced:[/] {exc}")
        raise typer.Exit(1) from exc
    console.print(
        f"{produced.published:,} events published to datasource {datasource!r} in "
        f"{produced.seconds:.1f}s ({produced.rate:,.0f}/s); {produced.rows_read:,} rows read, "
        f"{produced.refused:,} refused by the file rules (not sent). Follow with `mauzo status` "
        "or GET :8002/api/streams."
    )


@app.command()
def status(api_key: ApiKeyOption = None) -> None:
    """Each service's health and restarts, tasks by state and the latest failures."""
    settings = MauzoSettings()
    try:
        auth: httpx.Auth | None = cli_auth(settings, api_key)
    except NoCredentials:
        auth = None  # health still shows; the task counts say why they are missing
    report = status_report.collect(settings, settings.data_dir / "logs" / "stack.json", auth)
    console.print(status_report.render(report))
    if not report.all_healthy:
        raise typer.Exit(1)


@app.command("demo-data")
def demo_data(
    path: Annotated[Path, typer.Argument(help="CSV file to write")],
    rows: Annotated[int, typer.Option(help="Lines to generate")] = 120_000,
) -> None:
    """Write the demo data set to a CSV file without starting anything."""
    written = demo.generate(path, demo.DemoConfig(lines=rows))
    console.print(f"wrote {written:,} lines to {path}")


def _drop(
    settings: MauzoSettings, path: Path, datasource: str, timeout: float, auth: httpx.Auth
) -> dict[str, Any]:
    size = path.stat().st_size
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task(f"uploading {path.name}", total=size)
        try:
            accepted = upload(
                settings.uploader_url,
                path,
                datasource,
                lambda n: progress.advance(bar, n),
                auth=auth,
            )
        except DropRefused as exc:
            console.print(f"[red]Refused:[/] {exc}")
            raise typer.Exit(1) from exc
        except NoCredentials as exc:
            console.print(f"[red]Cannot authenticate:[/] {exc}")
            raise typer.Exit(1) from exc
    task_id = accepted["task_id"]
    console.print(f"task {task_id} accepted; following {accepted['status_url']}")
    seen: set[str] = set()

    def show(status: dict[str, Any]) -> None:
        state = str(status.get("state"))
        if state not in seen:
            seen.add(state)
            console.print(f"  {state}")

    outcome = follow(accepted["status_url"], timeout, show, auth)
    state = outcome.get("state")
    if state == "succeeded":
        console.print(f"[green]Loaded {outcome.get('rows_ingested')} rows[/] into {datasource!r}")
    elif state == "duplicate":
        console.print(f"[yellow]Already loaded[/]: {outcome.get('error') or outcome}")
    else:
        error = outcome.get("error") or {}
        console.print(f"[red]{state}[/]: {error.get('code')}: {error.get('message')}")
        if error.get("hint"):
            console.print(f"  how to fix: {error['hint']}")
    return outcome
