"""The `edihub` command: serve, migrate, partners, ingest, inspect, demo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.orm import sessionmaker

from app.errors import HubError
from app.settings import Settings, get_settings

app = typer.Typer(help="edihub: supply-chain EDI hub", no_args_is_help=True,
                  pretty_exceptions_enable=False)
partner_app = typer.Typer(help="Partners and their API keys", no_args_is_help=True)
app.add_typer(partner_app, name="partner")
key_app = typer.Typer(help="API keys", no_args_is_help=True)
app.add_typer(key_app, name="key")
console = Console()
err_console = Console(stderr=True)

DatabaseOption = Annotated[
    str | None, typer.Option("--database-url", help="Overrides EDIHUB_DATABASE_URL")
]


def _settings(database_url: str | None) -> Settings:
    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings


@contextmanager
def _store(settings: Settings) -> Iterator[sessionmaker]:
    """A session factory for one command; its connections are closed when the command ends."""
    from app.store.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@app.command()
def migrate(database_url: DatabaseOption = None) -> None:
    """Create or upgrade the store to the latest schema (Alembic)."""
    from app.store.migrate import upgrade

    settings = _settings(database_url)
    upgrade(settings.database_url)
    console.print(f"store at [bold]{_redact(settings.database_url)}[/] is at the latest schema")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(min=1)] = 1,
    database_url: DatabaseOption = None,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate")] = True,
) -> None:
    """Run the HTTP API (uvicorn)."""
    import os

    import uvicorn

    settings = _settings(database_url)
    if migrate_first:
        from app.store.migrate import upgrade

        upgrade(settings.database_url)
    os.environ["EDIHUB_DATABASE_URL"] = settings.database_url
    get_settings.cache_clear()  # the app (and each worker) reads the settings afresh
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info")


@app.command()
def scheduler(database_url: DatabaseOption = None) -> None:
    """Run the scheduled jobs (inbox, ...) in this process until stopped."""
    import logging

    from app.jobs.scheduler import build_scheduler
    from app.store.db import make_engine, make_session_factory

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = _settings(database_url)
    engine = make_engine(settings.database_url)
    planned = build_scheduler(engine, make_session_factory(engine), settings)
    console.print(f"scheduler running jobs {', '.join(j.id for j in planned.get_jobs())}; "
                  f"inbox {settings.inbox_dir} every {settings.inbox_interval_seconds}s")
    try:
        planned.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        engine.dispose()


@partner_app.command("add")
def partner_add(
    name: Annotated[str, typer.Option(help="Display name")],
    role: Annotated[str, typer.Option(help="ops | distributor | manufacturer | retailer ...")],
    ids: Annotated[list[str] | None, typer.Option(
        "--id", help="Identifier SCHEME:VALUE (ZZ:SENDERID, GLN:..., DUNS:...); repeatable")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Register a partner and print its new API key (shown once)."""
    from app.services.partners import register_partner
    from app.store.db import session_scope

    settings = _settings(database_url)
    try:
        with _store(settings) as sessions, session_scope(sessions) as session:
            registered = register_partner(session, name=name, role=role,
                                          identifiers=ids or [])
            slug = registered.partner.slug
    except HubError as exc:
        err_console.print(f"[red]error:[/] {exc.detail}")
        raise typer.Exit(2) from exc
    console.print(f"partner [bold]{slug}[/] ({role}) registered")
    console.print("API key (shown once, store it now):")
    typer.echo(registered.api_key)


@partner_app.command("list")
def partner_list(database_url: DatabaseOption = None) -> None:
    """List partners with their identifiers."""
    from app.store import partner as partner_store
    from app.store.db import session_scope

    table = Table("id", "slug", "name", "role", "identifiers", "review")
    with _store(_settings(database_url)) as sessions, session_scope(sessions) as session:
        for p in partner_store.list_all(session):
            ids = ", ".join(f"{i.scheme}:{i.value}" for i in p.identifiers)
            table.add_row(str(p.id), p.slug, p.name, p.role, ids,
                          "yes" if p.needs_review else "")
    console.print(table)


@key_app.command("revoke")
def key_revoke(
    prefix: Annotated[str, typer.Argument(
        help="The key's prefix (the part after edh_) or the whole key")],
    database_url: DatabaseOption = None,
) -> None:
    """Revoke an API key: the next request with it is refused (401)."""
    from app.security import split_key
    from app.store import partner as partner_store
    from app.store.db import session_scope
    from app.store.types import utcnow

    prefix = split_key(prefix.strip()) or prefix.strip()
    with _store(_settings(database_url)) as sessions, session_scope(sessions) as session:
        key = partner_store.revoke_api_key(session, prefix, utcnow())
        owner = key.partner.slug if key is not None else None
    if key is None:
        err_console.print(f"[red]error:[/] no API key with prefix {prefix!r}")
        raise typer.Exit(2)
    console.print(f"key {prefix} of [bold]{owner}[/] revoked")


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)],
    as_partner: Annotated[str | None, typer.Option(
        "--as", help="Slug of the uploading partner (default: trusted, like ops)")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Ingest files through the same pipeline as the upload endpoint."""
    settings = _settings(database_url)
    with _store(settings) as sessions:
        _ingest_files(sessions, settings, files, as_partner)


def _ingest_files(sessions, settings: Settings, files: list[Path],
                  as_partner: str | None) -> None:
    from app.services.ingest import Upload
    from app.services.partners import uploader_of
    from app.services.uploads import take_upload
    from app.store.db import session_scope

    uploader_id, is_ops = None, True
    if as_partner:
        with session_scope(sessions) as session:
            uploader = uploader_of(session, as_partner)
        if uploader is None:
            err_console.print(f"[red]error:[/] no partner with slug {as_partner!r}")
            raise typer.Exit(2)
        uploader_id, is_ops = uploader.partner_id, uploader.trusted
    results = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=err_console, disable=len(files) < 2) as progress:
        task = progress.add_task("ingesting", total=len(files))
        for path in files:
            with path.open("rb") as file:  # read in pieces: a large file is never held whole
                upload = Upload(file=file, source="cli", uploader_id=uploader_id,
                                uploader_is_ops=is_ops, filename=path.name)
                try:
                    results.append((path, take_upload(sessions, upload, settings, None)[0],
                                    ""))
                except HubError as refused:  # an empty file
                    results.append((path, None, refused.detail))
            progress.advance(task)
    table = Table("file", "upload", "standard", "status", "messages", "issues")
    failed = 0
    for path, described, note in results:
        if described is None:
            failed += 1
            table.add_row(str(path), "-", "-", "[red]refused[/]", "-", note)
            continue
        messages = [m for ic in described.interchanges for m in ic.messages]
        issues = len(described.issues) + sum(
            len(ic.issues) + sum(len(m.issues) for m in ic.messages)
            for ic in described.interchanges)
        if described.status in ("failed", "rejected"):
            failed += 1
        table.add_row(str(path), str(described.id), described.standard or "-", described.status,
                      str(len(messages)), str(issues))
    console.print(table)
    if failed:
        raise typer.Exit(1)


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Show a file's structure (envelopes, messages) and every issue with its location."""
    import edi

    try:
        parsed = edi.parse(file.read_bytes())
    except edi.UnreadableStream as exc:
        if as_json:
            typer.echo(json.dumps({"error": {"code": exc.code, "message": exc.message,
                                             "location": exc.location.as_dict()}}, indent=2))
        else:
            err_console.print(f"[red]unreadable[/] ({exc.code}): {exc.message} at "
                              f"{exc.location.describe()}")
        raise typer.Exit(1) from exc
    report = _structure(parsed)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        _print_structure(report)
    if any(i["severity"] == "error" for i in _all_issue_dicts(report)):
        raise typer.Exit(1)


def _structure(parsed) -> dict:
    return {
        "standard": parsed.standard.value,
        "issues": [i.as_dict() for i in parsed.issues],
        "interchanges": [
            {
                "control_number": ic.envelope.control_number,
                "sender": f"{ic.envelope.sender_qualifier}:{ic.envelope.sender}".strip(":"),
                "receiver": f"{ic.envelope.receiver_qualifier}:{ic.envelope.receiver}".strip(":"),
                "version": ic.envelope.version,
                "test": ic.envelope.test,
                "issues": [i.as_dict() for i in ic.envelope.issues],
                "groups": [
                    {
                        "control_number": g.envelope.control_number,
                        "functional_id": g.envelope.functional_id,
                        "version": g.envelope.version,
                        "issues": [i.as_dict() for i in g.envelope.issues],
                        "messages": [
                            {"type": m.type, "control_number": m.control_number,
                             "version": m.version, "segments": len(m.segments),
                             "issues": [i.as_dict() for i in m.issues]}
                            for m in g.messages
                        ],
                    }
                    for g in ic.groups
                ],
            }
            for ic in parsed.interchanges
        ],
    }


def _all_issue_dicts(report: dict) -> list[dict]:
    found = list(report["issues"])
    for ic in report["interchanges"]:
        found += ic["issues"]
        for g in ic["groups"]:
            found += g["issues"]
            for m in g["messages"]:
                found += m["issues"]
    return found


def _print_structure(report: dict) -> None:
    console.print(f"[bold]{report['standard']}[/]")
    for ic in report["interchanges"]:
        console.print(f"interchange {ic['control_number']} {ic['sender']} -> {ic['receiver']} "
                      f"version {ic['version']}{' TEST' if ic['test'] else ''}")
        for g in ic["groups"]:
            console.print(f"  group {g['control_number']} {g['functional_id']} {g['version']}")
            for m in g["messages"]:
                console.print(f"    {m['type']} {m['control_number']} "
                              f"({m['segments']} segments)")
    issues = _all_issue_dicts(report)
    if not issues:
        console.print("[green]no issues[/]")
    for issue in issues:
        where = ", ".join(f"{k} {v}" for k, v in issue["location"].items())
        colour = "red" if issue["severity"] == "error" else "yellow"
        console.print(f"[{colour}]{issue['severity']}[/] {issue['scope']} {issue['code']}: "
                      f"{issue['message']} ({where})")


@app.command()
def demo(
    database_url: Annotated[str, typer.Option(
        "--database-url", help="Where to build the demo store (replaced if it is SQLite)")
    ] = "sqlite:///./edihub-demo.db",
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve",
                                              help="Serve the API afterwards")] = False,
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Build a demo store: partners, keys and generated EDI files, then print curl examples."""
    from app.demo import build_demo

    keys = build_demo(database_url, console=console)
    base = f"http://127.0.0.1:{port}"
    console.print("\n[bold]Try it[/] (keys are also in demo-keys.json):")
    for line in _curl_examples(base, keys):
        typer.echo(line)
    if serve_after:
        serve(host="127.0.0.1", port=port, workers=1, database_url=database_url,
              migrate_first=False)


def _curl_examples(base: str, keys: dict[str, str]) -> list[str]:
    ops, dist, manu = keys["ops"], keys["distributor"], keys["manufacturer"]

    def get(key: str, path: str) -> str:
        return f"curl -s -H 'Authorization: Bearer {key}' '{base}{path}'"

    return [
        f"curl -s {base}/healthz",
        get(ops, "/v1/interchanges/1"),
        get(ops, "/v1/interchanges/1/ack"),
        get(ops, "/v1/orders/1"),
        get(ops, "/v1/promises?status=late&status=at_risk"),
        get(ops, "/v1/promises/summary"),
        get(manu, "/v1/sell-through?granularity=week"),
        get(manu, "/v1/replenishment/signals?urgency=critical"),
        get(manu, "/v1/replenishment/signals.edi?format=x12-850"),
        get(ops, "/v1/customers"),
        get(ops, "/v1/customers/churn-risk?flagged=true"),
        f"curl -s -X POST -H 'Authorization: Bearer {dist}' "
        f"-H 'Content-Type: application/edi-x12' --data-binary @demo-files/northwind-850-new.edi "
        f"{base}/v1/interchanges",
    ]


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}" if ":" in creds else url
    return url


def main(argv: list[str] | None = None) -> None:
    app(args=argv)
