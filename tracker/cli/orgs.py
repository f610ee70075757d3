"""`tracker org ...`: the organisation directory."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.cli.checks import nonempty
from tracker.cli.context import app_context, console, print_json
from tracker.core.i18n import N_, _
from tracker.services.csv_rows import read_rows

_KINDS = {"region": N_("region"), "municipality": N_("municipality"), "school": N_("school "
          "(kind)"), "other": N_("other")}

app = typer.Typer(help=_("Organisations: region, municipalities, schools."), no_args_is_help=True)


@app.command("import", help=_(
    "Import organisations from a CSV file; existing ones are skipped.\n\nExample: tracker org "
    "import municipalities.csv --parent \"Ростовская область\""))
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=_("CSV (; or , separated): name,kind[,parent].")),
    parent: str = typer.Option(
        None, "--parent", callback=nonempty(N_("an organisation id or name")),
        help=_("Put rows without a parent under this organisation (created as a region if "
               "missing).")),
) -> None:
    from tracker.services.orgs import import_organisations

    context = app_context(ctx)
    rows = read_rows(file, required=("name", "kind"), optional=("parent",))
    with context.db.transaction() as session:
        result = import_organisations(session=session, rows=rows, parent=parent, source=str(file))
    typer.echo(_("Imported {created} organisation(s), skipped {skipped} existing").format(
        created=result.created, skipped=result.skipped))
    if (skipped := result.skipped_text()) is not None:
        typer.echo(skipped)


@app.command("add", help=_(
    "Add one organisation.\n\nExample: tracker org add \"МБОУ СОШ № 1\" --kind school "
    "--parent \"Город Азов\""))
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("Organisation name.")),
    kind: str = typer.Option("other", "--kind",
                             callback=nonempty(N_("region, municipality, school or other")),
                             help=_("region, municipality, school, other (or a Russian word).")),
    parent: str = typer.Option(None, "--parent",
                               callback=nonempty(N_("an organisation id or name")),
                              help=_("Parent organisation (id or name).")),
) -> None:
    from tracker.services.orgs import add_organisation, find_organisation

    context = app_context(ctx)
    with context.db.transaction() as session:
        owner = find_organisation(session=session, ref=parent) if parent is not None else None
        org = add_organisation(session=session, name=name, kind=kind, parent=owner)
    typer.echo(_("Added organisation {id}: {name}").format(id=org.id, name=org.name))


@app.command("list", help=_(
    "Show the organisation tree.\n\nExample: tracker org list"))
def list_(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help=_("Print JSON.")),
) -> None:
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
        typer.echo(_("No organisations yet: tracker org import FILE.csv"))
        return
    out = console()
    for org, depth in tree:
        kind = _KINDS.get(str(org.kind))
        extra = f" ({org.category})" if org.category else f" ({_(kind) if kind else org.kind})"
        out.print(f"{'  ' * depth}{org.name}{extra} [{org.id}]", markup=False)
