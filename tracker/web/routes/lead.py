"""The lead's pages: the region's dashboard (the figures of `tracker report`), a
document's decisions, extension requests waiting for a decision, report downloads.
Leads and admins see everything; coordinators their organisation and below; officers
none of it."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tracker.core.dates import parse_date
from tracker.core.enums import ExtensionStatus, Level, Role, Via
from tracker.core.errors import InvalidInput
from tracker.core.models import Document, Organisation
from tracker.reports import org_rows
from tracker.reports.progress import decision_progress
from tracker.services import extensions
from tracker.services.orgs import subtree_ids
from tracker.services.permissions import can_act
from tracker.web import dashboard_figures, forms
from tracker.web.common import WebError, page, parse_int, require_person, state


def _overseer(request: Request, session):
    person = require_person(request, session)
    if person.role not in (Role.COORDINATOR, Role.LEAD, Role.ADMIN):
        raise WebError(403, "err_forbidden")
    scope = None if person.role in (Role.LEAD, Role.ADMIN) else person.organisation_id
    return person, scope


def _as_of(request: Request) -> date:
    value = request.query_params.get("as_of")
    if not value:
        return state(request).today()
    try:
        return parse_date(value)
    except (InvalidInput, ValueError):
        raise WebError(400, "err_date") from None


def _optional_id(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    return parse_int(value) if value else None


def _filters(request: Request):
    level = request.query_params.get("level") or None
    if level is not None and level not in {lv.value for lv in Level}:
        raise WebError(400, "err_invalid", detail="level")
    return _as_of(request), _optional_id(request, "document"), level, _optional_id(request,
                                                                                   "org")


def _dashboard(request: Request):
    web = state(request)
    as_of, document_id, level, org_id = _filters(request)
    with web.db.reading() as session:
        person, scope = _overseer(request, session)
        root = org_id or scope
        if org_id is not None:
            if session.get(Organisation, org_id) is None:
                raise WebError(404, "err_not_found")
            if scope is not None and org_id not in subtree_ids(session=session, root_id=scope):
                raise WebError(403, "err_forbidden")
        only = {"document_id": document_id, "level": level}
        rows, total = dashboard_figures.dashboard(session=session, as_of=as_of,
                                                  root_org_id=root, zone=web.settings.zone,
                                                  only=only)
        documents = list(session.exec(select(Document).order_by(Document.date, Document.id)))
        orgs = org_rows.row_organisations(session=session, root_org_id=scope)
    return dict(person=person, rows=rows, total=total, documents=documents, orgs=orgs,
                as_of=as_of, document_id=document_id, level=level, org_id=org_id,
                levels=[lv.value for lv in Level], query=request.url.query)


async def dashboard(request: Request):
    data = await run_in_threadpool(_dashboard, request)
    return page(request, "dashboard.html", **data)


def _document(request: Request, document_id: int):
    web = state(request)
    as_of = _as_of(request)
    with web.db.reading() as session:
        person, scope = _overseer(request, session)
        document = session.get(Document, document_id)
        if document is None:
            raise WebError(404, "err_not_found")
        decisions = decision_progress(session=session, as_of=as_of, root_org_id=scope,
                                      zone=web.settings.zone, pending_limit=30,
                                      only={"document_id": document_id})
    from tracker.core.titles import document_title

    return dict(person=person, document=document, title=document_title(document),
                decisions=decisions, as_of=as_of)


async def document_page(request: Request):
    data = await run_in_threadpool(_document, request, parse_int(request.path_params["id"]))
    return page(request, "document.html", **data)


def _requests(request: Request):
    web = state(request)
    with web.db.reading() as session:
        person, _ = _overseer(request, session)
        rows = [r for r in extensions.list_requests(session=session,
                                                    status=ExtensionStatus.PENDING)
                if can_act(session=session, person=person, assignment=r[1])
                and (r[0].requested_by_id != person.id
                     or person.role in (Role.LEAD, Role.ADMIN))]
    return person, rows


async def requests_page(request: Request):
    person, rows = await run_in_threadpool(_requests, request)
    return page(request, "extensions.html", person=person, rows=rows)


async def decide(request: Request):
    request_id = parse_int(request.path_params["id"])
    verb = request.path_params["verb"]
    if verb not in ("approve", "reject"):
        raise WebError(404, "err_not_found")
    web = state(request)
    await forms.read_form(request, web.limits)

    def run():
        with web.db.transaction() as session:
            person, _ = _overseer(request, session)
            extensions.decide_extension(session=session, request_id=request_id, actor=person,
                                        approve=verb == "approve", now=web.now(), via=Via.WEB)
            from tracker.services.web_tokens import burn_request_tokens

            burn_request_tokens(session=session, request_id=request_id, now=web.now())

    await run_in_threadpool(run)
    web.wake()
    return RedirectResponse("/extensions", status_code=303)


_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


def _report(request: Request, kind: str, fmt: str):
    from tracker.reports.report import build_report

    web = state(request)
    as_of = _as_of(request)
    with web.db.reading() as session:
        person, scope = _overseer(request, session)
        report = build_report(session=session, kind=kind, as_of=as_of, root_org_id=scope,
                              zone=web.settings.zone, all_views=fmt != "csv",
                              locale=person.locale or web.settings.locale,
                              generated_at=web.now())
    if fmt == "csv":
        from tracker.reports.export_text import csv_bytes

        return as_of, csv_bytes(report, delimiter=";")
    if fmt == "xlsx":
        from tracker.reports.export_xlsx import xlsx_bytes

        return as_of, xlsx_bytes(report)
    from tracker.reports.export_html import to_html

    return as_of, to_html(report).encode("utf-8")


async def report_file(request: Request):
    kind, fmt = request.path_params["kind"], request.path_params["fmt"]
    if kind not in ("overdue", "discipline") or fmt not in _TYPES:
        raise WebError(404, "err_not_found")
    as_of, data = await run_in_threadpool(_report, request, kind, fmt)
    name = f"{kind}-{as_of.isoformat()}.{fmt}"
    return Response(data, media_type=_TYPES[fmt],
                    headers={"content-disposition": f'attachment; filename="{name}"'})


routes = [
    Route("/dashboard", dashboard, methods=["GET"]),
    Route("/documents/{id}", document_page, methods=["GET"]),
    Route("/extensions", requests_page, methods=["GET"]),
    Route("/extensions/{id}/{verb}", decide, methods=["POST"]),
    Route("/reports/{kind}.{fmt}", report_file, methods=["GET"]),
]
