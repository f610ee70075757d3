"""«Мои поручения», an assignment's page and its actions for a signed-in person.
Permissions as in the bot, checked on every request: officers their own, coordinators
their organisation and below, leads and admins everything."""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse
from starlette.routing import Route

from tracker.core.enums import Role, Via
from tracker.core.models import Evidence
from tracker.services import evidence as evidence_files
from tracker.services import extensions, task_queries, task_transitions, web_actions
from tracker.services.orgs import subtree_ids
from tracker.services.permissions import can_act
from tracker.web import forms
from tracker.web.common import WebError, page, parse_int, require_person, state
from tracker.web.queries import assignment_view, events_of, evidence_of, pending_request

MY_LIMIT = 300


def _my(request: Request):
    """As the bot's /tasks: an officer's (and a lead's) open assignments by name or their
    organisation's unnamed ones; a coordinator's everything open in their organisation
    and below. Soonest due first."""
    web = state(request)
    with web.db.reading() as session:
        person = require_person(request, session)
        today = web.today()
        if person.role == Role.COORDINATOR:
            views = task_queries.list_assignments(
                session=session, today=today, status="open", limit=MY_LIMIT,
                organisation_ids=subtree_ids(session=session, root_id=person.organisation_id))
        else:
            own = task_queries.list_assignments(session=session, today=today, status="open",
                                                organisation_ids=[person.organisation_id],
                                                limit=MY_LIMIT)
            named = task_queries.list_assignments(session=session, today=today, status="open",
                                                  person_id=person.id, limit=MY_LIMIT)
            seen, views = set(), []
            for v in [*named, *own]:
                if v.assignment.id in seen or v.assignment.person_id not in (None, person.id):
                    continue
                seen.add(v.assignment.id)
                views.append(v)
            views.sort(key=lambda v: (v.assignment.due_date is None,
                                      v.assignment.due_date or today, v.assignment.id))
    return person, views


async def my_tasks(request: Request):
    person, views = await run_in_threadpool(_my, request)
    return page(request, "my.html", person=person, views=views)


def _visible(request: Request, session, assignment_id: int):
    person = require_person(request, session)
    view = assignment_view(session, assignment_id)
    if not can_act(session=session, person=person, assignment=view.assignment):
        raise WebError(403, "err_forbidden")
    return person, view


def _assignment(request: Request, assignment_id: int):
    web = state(request)
    with web.db.reading() as session:
        person, view = _visible(request, session, assignment_id)
        history = events_of(session, assignment_id)
        files = evidence_of(session, assignment_id)
        waiting = pending_request(session, assignment_id)
    return person, view, history, files, waiting


async def assignment_page(request: Request):
    assignment_id = parse_int(request.path_params["id"])
    person, view, history, files, waiting = await run_in_threadpool(
        _assignment, request, assignment_id)
    web = state(request)
    floor = max(d for d in (view.assignment.due_date, web.today()) if d is not None)
    events = [(e, who, json.loads(e.details) if e.details else {}) for e, who in history]
    return page(request, "assignment.html", person=person, view=view, events=events,
                files=files, waiting=waiting, limits=web.limits, floor=floor)


async def assignment_post(request: Request):
    """POST /assignments/<id>/<action>: done, extend, comment, evidence."""
    assignment_id = parse_int(request.path_params["id"])
    action = request.path_params["action"]
    if action not in ("done", "extend", "comment", "evidence"):
        raise WebError(404, "err_not_found")
    web = state(request)
    form = await forms.read_form(request, web.limits)
    comment = forms.text(form, "comment")
    upload = await forms.upload(form, web.limits) if action in ("done", "evidence") else None
    reason = forms.text(form, "reason") if action == "extend" else None
    if action == "comment" and not comment:
        raise WebError(400, "err_invalid", detail="comment")
    if action == "evidence" and upload is None:
        raise WebError(400, "err_file_empty")

    def run():
        with web.db.transaction() as session:
            person, view = _visible(request, session, assignment_id)
            now = web.now()
            if action == "done":
                task_transitions.complete(session=session, assignment_id=assignment_id,
                                          now=now, via=Via.WEB, actor=person, comment=comment)
            elif action == "extend":
                floor = max(d for d in (view.assignment.due_date, web.today())
                            if d is not None)
                new_due = forms.new_due(form, floor)
                if not reason:
                    raise WebError(400, "err_reason")
                extensions.request_extension(
                    session=session, assignment_id=assignment_id, actor=person,
                    new_due=new_due, reason=reason, today=web.today(), now=now, via=Via.WEB)
            elif action == "comment":
                web_actions.comment(session=session, assignment=view.assignment,
                                    person=person, text=comment, now=now)
            if upload is not None:
                evidence_files.store(session=session, assignment=view.assignment,
                                     person=person, upload=upload, limits=web.limits, now=now)

    await run_in_threadpool(run)
    if action == "extend":
        web.wake()
    target = "/my" if action == "done" else f"/assignments/{assignment_id}"
    return RedirectResponse(target, status_code=303)


def _evidence(request: Request, evidence_id: int):
    web = state(request)
    with web.db.reading() as session:
        row = session.get(Evidence, evidence_id)
        if row is None:
            raise WebError(404, "err_not_found")
        _visible(request, session, row.assignment_id)
        return row, evidence_files.path_of(row, web.evidence_dir)


async def evidence_file(request: Request):
    row, path = await run_in_threadpool(_evidence, request, parse_int(request.path_params["id"]))
    return FileResponse(path, media_type=row.mime_type or "application/octet-stream",
                        filename=row.file_name or path.name, content_disposition_type="attachment")


async def home(request: Request):
    return RedirectResponse("/my", status_code=303)


routes = [
    Route("/", home, methods=["GET"]),
    Route("/my", my_tasks, methods=["GET"]),
    Route("/assignments/{id}", assignment_page, methods=["GET"]),
    Route("/assignments/{id}/{action}", assignment_post, methods=["POST"]),
    Route("/evidence/{id}", evidence_file, methods=["GET"]),
]
