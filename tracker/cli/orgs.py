"""`tracker org ...`: the organisation directory."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.cli.checks import nonempty
from tracker.cli.context import app_context, console, print_json
from tracker.services.csv_rows import read_rows

app = typer.Typer(help="Organisations: region, municipalities, schools.", no_args_is_help=True)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV (; or , separated): name,kind[,parent]."),
    parent: str = typer.Option(
        None, "--parent", callback=nonempty("an organisation id or name"),
        help="Put rows without a parent under this organisation (created as a region if missing)."),
) -> None:
    """Import organisations from a CSV file; existing ones are skipped.

    Example: tracker org import municipalities.csv --parent "Ростовская область"
    """
    from tracker.services.orgs import import_organisations

    context = app_context(ctx)
    rows = read_rows(file, required=("name", "kind"), optional=("parent",))
    with context.db.transaction() as session:
        result = import_organisations(session=session, rows=rows, parent=parent, source=str(file))
    typer.echo(f"Imported {result.created} organisation(s), skipped {result.skipped} existing")
    if (skipped := result.skipped_text()) is not None:
        typer.echo(skipped)


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Organisation name."),
    kind: str = typer.Option("other", "--kind",
                             callback=nonempty("region, municipality, school or other"),
                             help="region, municipality, school, other (or a Russian word)."),
    parent: str = typer.Option(None, "--parent", callback=nonempty("an organisation id or name"),
                              help="Parent organisation (id or name)."),
) -> None:
    """Add one organisation.

    Example: tracker org add "МБОУ СОШ № 1" --kind school --parent "Город Азов"
    """
    from tracker.services.orgs import add_organisation, find_organisation

    context = app_context(ctx)
    with context.db.transaction() as session:
        owner = find_organisation(session=session, ref=parent) if parent is not None else None
        org = add_organisation(session=session, name=name, kind=kind, parent=owner)
    typer.echo(f"Added organisation {org.id}: {org.name}")


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the organisation tree.

    Example: tracker org list
    """
    from tracker.services.orgs import organisation_tree

    context = app_context(ctx)
    with context.db.reading() as session:
        tree = organisation_tree(session=session)
    if as_json:
        print_json([
            {"id": o.id, "name": o.name, "kind": str(o.kind), "category": o.category,
             "parent_id": o.parent_id, "depth": depth}
            for o, depth in tree
        ])
        return
    if not tree:
        typer.echo("No organisations yet: tracker org import FILE.csv")
        return
    out = console()
    for org, depth in tree:
        extra = f" ({org.category})" if org.category else f" ({org.kind})"
        out.print(f"{'  ' * depth}{org.name}{extra} [{org.id}]", markup=False)
