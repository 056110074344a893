"""Verification pages: the coder asks (and may withdraw) under /portfolio/; the
verifier answers under /verify/<token>/, with no account, seeing one item only."""

import logging
import smtplib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.decorators import coder_required
from portfolio import verification
from portfolio.forms import VerificationAnswerForm, VerificationRequestForm
from portfolio.models import Attachment, Evidence, VerificationRequest
from portfolio.uploads import file_response
from portfolio.verification import LinkRefused, RequestRefused
from portfolio.views import get_evidence_for_user

logger = logging.getLogger(__name__)


# --- The coder's side ---------------------------------------------------------------


@coder_required
def verification_new(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for_user(request, pk)
    form = VerificationRequestForm(request.POST or None, owner=request.user)
    if form.is_valid():
        try:
            sent = verification.ask(
                form.save(commit=False), item, request.build_absolute_uri
            )
        except RequestRefused as refusal:
            form.add_error(None, str(refusal))
        except (smtplib.SMTPException, OSError):
            logger.exception("A verification e-mail could not be sent.")
            form.add_error(
                None,
                "The e-mail could not be sent, so no request was made. Try again "
                "later.",
            )
        else:
            messages.success(
                request,
                f"{sent.name} has been sent a link to verify “{item.title}”. "
                "It works once, for 14 days.",
            )
            return redirect(item)
    return render(
        request, "portfolio/verification_form.html", {"form": form, "item": item}
    )


def get_verification_request_for_user(
    request: HttpRequest, pk: int
) -> VerificationRequest:
    """A request the signed-in coder made, for an item they still have; 404
    otherwise."""
    return get_object_or_404(
        VerificationRequest.objects.select_related("evidence"),
        pk=pk,
        owner=request.user,
        evidence__isnull=False,
    )


@coder_required
@require_POST
def verification_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    sent = get_verification_request_for_user(request, pk)
    if sent.is_open:
        sent.withdraw()
        messages.success(
            request,
            f"Your request to {sent.name} has been withdrawn: its link no "
            "longer works.",
        )
    else:
        messages.info(
            request, f"Your request to {sent.name} is no longer open: nothing changed."
        )
    return redirect(sent.evidence)


# --- The verifier's side ------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    """The verifier's pages carry a secret in their address: never indexed, never
    cached, and never sent on as a referrer."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


def _refused(request: HttpRequest, refusal: LinkRefused) -> HttpResponse:
    return _private(
        render(
            request,
            "portfolio/verify_refused.html",
            {"refusal": refusal},
            status=refusal.status,
        )
    )


# No CSRF token: the page sends no referrer, so browsers post its form with
# "Origin: null", which Django's check refuses. Nor is one needed: no cookie
# authorises the answer, the secret link does, and a forger who knew it could
# answer without any help from the verifier's browser.
@csrf_exempt
def verify_item(request: HttpRequest, token: str) -> HttpResponse:
    """The one item a link stands for, read-only, and the verifier's answer."""
    try:
        sent = verification.read_token(token)
    except LinkRefused as refusal:
        return _refused(request, refusal)
    if request.user.is_authenticated and request.user.pk == sent.owner_id:
        return _refused(request, LinkRefused("own"))
    item = Evidence.objects.with_details().get(pk=sent.evidence_id).details
    fingerprint = item.content_fingerprint()
    form = VerificationAnswerForm(request.POST or None, initial={"seen": fingerprint})
    changed = False
    if form.is_valid():
        try:
            verification.answer(
                token,
                confirmed=form.confirmed,
                seen=form.cleaned_data["seen"],
                comment=form.cleaned_data["comment"].strip(),
            )
        except LinkRefused as refusal:
            if refusal.reason != "changed":
                return _refused(request, refusal)
            # Shown again as it is now, their answer kept, to be sent again. (A
            # page, not an error status: the server log must not keep a live link.)
            changed = True
            form = VerificationAnswerForm({**request.POST.dict(), "seen": fingerprint})
        else:
            if form.confirmed:
                thanks = f"You have confirmed “{item.title}”. Thank you."
            else:
                thanks = f"You have declined to confirm “{item.title}”. Thank you."
            messages.success(request, thanks)
            return redirect("verify:done")
    return _private(
        render(
            request,
            "portfolio/verify_item.html",
            {
                "item": item,
                "sent": sent,
                # The coder's name and nothing else of theirs.
                "coder_name": sent.owner.full_name,
                "attachments": item.attachments.all(),
                "token": token,
                "form": form,
                "changed": changed,
            },
        )
    )


def verify_attachment(
    request: HttpRequest, token: str, attachment_id: int
) -> HttpResponse:
    """A file of the item, through the same link and while it works."""
    try:
        sent = verification.read_token(token)
    except LinkRefused as refusal:
        return _refused(request, refusal)
    attachment = Attachment.objects.filter(
        pk=attachment_id, evidence_id=sent.evidence_id
    ).first()
    if attachment is None:
        return _refused(request, LinkRefused("invalid"))
    return _private(
        file_response(
            attachment.file.open("rb"),
            filename=attachment.download_name,
            content_type=attachment.content_type,
        )
    )


def verify_done(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "portfolio/verify_done.html"))
