"""`/a/<token>`: the one-time action links of emails and Telegram messages.

GET shows the item and asks to confirm (mail scanners open links; a GET changes
nothing); POST (with the CSRF token) does the action, burns the link and signs the
person in, so «Мои поручения» is one click away.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from tracker.core.enums import Role, TokenAction
from tracker.core.errors import NotFound
from tracker.services import web_actions
from tracker.services.web_sessions import open_session
from tracker.web import forms
from tracker.web.common import WebError, page, state
from tracker.web.queries import assignment_view
from tracker.web.session_cookie import set_session


def _resolve(request: Request, token: str):
    web = state(request)
    with web.db.reading() as session:
        try:
            found = web_actions.resolve(session=session, token=token, now=web.now())
        except NotFound:
            raise WebError(404, "err_token_unknown") from None
        view = assignment_view(session, found.assignment.id)
        requester = None
        if found.request is not None and found.request.requested_by_id:
            from tracker.core.models import Person

            requester = session.get(Person, found.request.requested_by_id)
    return found, view, requester


def _check_state(found, view, locale: str | None) -> None:
    """A task link whose task is closed, or a decision link whose request is decided
    (in the bot, say): say so at once instead of showing a form that cannot work."""
    from tracker.core.enums import AssignmentStatus, ExtensionStatus
    from tracker.web.words import words

    action = TokenAction(found.token.action)
    if action in (TokenAction.COMPLETE, TokenAction.EXTEND) and (
            view.assignment.status != AssignmentStatus.OPEN):
        status = words(locale)(f"st_{view.assignment.status}")
        raise WebError(409, "err_not_open", state=status)
    if found.request is not None and found.request.status != ExtensionStatus.PENDING:
        raise WebError(409, "err_decided")


async def action_page(request: Request):
    token = request.path_params["token"]
    found, view, requester = await run_in_threadpool(_resolve, request, token)
    web = state(request)
    _check_state(found, view, found.person.locale)
    floor = max(d for d in (view.assignment.due_date, web.today()) if d is not None)
    return page(request, "action.html", person=None, locale=found.person.locale,
                action=str(found.token.action), view=view, token=token,
                request_row=found.request, requester=requester, limits=web.limits,
                floor=floor, actor=found.person)


async def action_post(request: Request):
    token = request.path_params["token"]
    web = state(request)
    form = await forms.read_form(request, web.limits)
    found, view, _ = await run_in_threadpool(_resolve, request, token)
    action = TokenAction(found.token.action)
    t_params: dict = {}
    if action == TokenAction.COMPLETE:
        comment = forms.text(form, "comment")
        upload = await forms.upload(form, web.limits)

        def work(session):
            web_actions.complete(session=session, token=token, now=web.now(), comment=comment,
                                 upload=upload, limits=web.limits)
        message = "done_ok"
    elif action == TokenAction.EXTEND:
        floor = max(d for d in (view.assignment.due_date, web.today()) if d is not None)
        new_due = forms.new_due(form, floor)
        reason = forms.text(form, "reason")
        if not reason:
            raise WebError(400, "err_reason")

        def work(session):
            web_actions.request_extension(session=session, token=token, now=web.now(),
                                          today=web.today(), new_due=new_due, reason=reason)
        lead = found.person.role in (Role.LEAD, Role.ADMIN)
        message, t_params = ("lead_extended" if lead else "request_ok",
                             {"date": new_due.strftime("%d.%m.%Y")})
    else:
        def work(session):
            web_actions.decide(session=session, token=token, now=web.now())
        approve = action == TokenAction.APPROVE
        message = "approved_ok" if approve else "rejected_ok"
        if found.request is not None:
            t_params = {"date": found.request.new_due_date.strftime("%d.%m.%Y")}

    def run():
        with web.db.transaction() as session:
            work(session)
            return open_session(session=session, person=found.person, now=web.now(),
                                days=web.settings.web.session_days)

    session_id = await run_in_threadpool(run)
    if action != TokenAction.COMPLETE:
        web.wake()
    response = page(request, "action_done.html", person=found.person, message=message,
                    params=t_params, view=view)
    set_session(response, web, session_id)
    return response


routes = [
    Route("/a/{token}", action_page, methods=["GET"]),
    Route("/a/{token}", action_post, methods=["POST"]),
]
