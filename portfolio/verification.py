"""Verification: a coder asks a named person to confirm one item of evidence.

The verifier gets an e-mail with a signed link (14 days, one use, no account) that
shows that item alone; they confirm or decline it with a comment. A confirmation
records a fingerprint of the item's content as they saw it; whatever later writes
the item's content (the edit view, the attachment views, the import) calls
`void_if_changed()`, which voids a confirmation once the content differs. The
item's own `verification` and `verified_by` are written only by
`Evidence.refresh_verification()`.
"""

import datetime
import json
from collections.abc import Callable

from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from portfolio.formats import long_date, period
from portfolio.models import Evidence, VerificationRequest

VALID_FOR = datetime.timedelta(days=14)
MAX_OPEN_PER_ITEM = 5
MAX_PER_DAY = 20
LINK_SALT = "portfolio.verification.link"
SEAL_SALT = "portfolio.verification.seal"

State = VerificationRequest.State
VoidReason = VerificationRequest.VoidReason


# --- Asking -----------------------------------------------------------------------


class RequestRefused(Exception):
    """A limit stops the request; the message says which, and nothing is sent."""


def check_limits(item: Evidence, owner) -> None:
    """Raise RequestRefused when the item has too many open requests or the coder
    has sent too many today, so that the app cannot send mail at volume."""
    open_requests = VerificationRequest.objects.open().filter(evidence=item)
    if open_requests.count() >= MAX_OPEN_PER_ITEM:
        raise RequestRefused(
            f"This item already has {MAX_OPEN_PER_ITEM} requests waiting for an "
            "answer. Wait for one, or withdraw one, before you ask someone else."
        )
    # Counted by the coder, not the item: requests of deleted items still count.
    since = timezone.now() - datetime.timedelta(days=1)
    sent = VerificationRequest.objects.filter(owner=owner, created_at__gt=since)
    if sent.count() >= MAX_PER_DAY:
        raise RequestRefused(
            f"You have sent {MAX_PER_DAY} verification requests in the last 24 "
            "hours, the most allowed. Try again tomorrow."
        )


def ask(
    request: VerificationRequest, item: Evidence, link_for: Callable[[str], str]
) -> VerificationRequest:
    """Save the (unsaved, filled in) request for `item` and e-mail its link, built by
    `link_for(path)`. Raises RequestRefused past a limit, and whatever the mail
    backend raises if the e-mail cannot be sent: then nothing is saved."""
    with transaction.atomic():
        _lock(item)  # two requests at once are counted one after the other
        check_limits(item, item.owner)
        request.owner = item.owner
        request.evidence = item
        request.created_at = timezone.now()
        request.expires_at = request.created_at + VALID_FOR
        request.save()
        # In the transaction: if the mail cannot be sent, the request is not kept.
        _send(request, item, link_for(verifier_path(request)))
    return request


def _send(request: VerificationRequest, item: Evidence, url: str) -> None:
    coder = item.owner.full_name
    body = "\n".join(
        [
            f"Dear {request.name},",
            "",
            f"{coder}, a clinical coder, asks you to confirm one item of evidence "
            "in their Coderfolio portfolio:",
            "",
            f"  {item.title}",
            f"  {item.get_kind_display()}, {period(item.date, item.end_date)}",
            "",
            f"They named you as {request.role}, {request.organisation}. If that is "
            "not you, or you do not know of this work, you can ignore this e-mail.",
            "",
            "Open this link to read the item and confirm or decline it. You do not "
            "need an account:",
            "",
            url,
            "",
            f"The link can be used once, until {long_date(_local(request.expires_at))}."
            " Do not forward it: whoever has it can answer for you.",
            "",
            "Coderfolio",
        ]
    )
    EmailMessage(
        subject=f"Please verify an item in {coder}'s portfolio",
        body=body,
        to=[request.email],
    ).send()


# --- The signed link ----------------------------------------------------------------


def make_token(request: VerificationRequest) -> str:
    """The link's secret part: the request, its item and its nonce, signed with the
    time (so that it expires) and the server's key (so that it cannot be made up)."""
    payload = {"r": request.pk, "e": request.evidence_id, "n": request.nonce}
    return signing.dumps(payload, salt=LINK_SALT, compress=False)


def verifier_path(request: VerificationRequest) -> str:
    return reverse("verify:item", args=[make_token(request)])


class LinkRefused(Exception):
    """Why a link does not work: `reason` names it, `title` and `message` are shown
    to whoever has the link, `status` is the page's HTTP status."""

    REASONS = {
        "invalid": (
            404,
            "This link is not valid",
            "The link is not complete or has been changed. Copy the whole link from "
            "the e-mail you received, or ask the person who sent it for a new one.",
        ),
        "expired": (
            410,
            "This link has expired",
            "Links to verify evidence work for 14 days. Ask the person who sent it "
            "to send a new request if they still need your answer.",
        ),
        "used": (
            410,
            "This link has already been used",
            "Each link can be used once, and this request has been answered. If you "
            "think the answer is wrong, tell the person who asked you.",
        ),
        "withdrawn": (
            410,
            "This request has been withdrawn",
            "The person who asked you no longer needs your answer. There is nothing "
            "to do.",
        ),
        "deleted": (
            410,
            "This item no longer exists",
            "The person who asked you has deleted it, so there is nothing to verify.",
        ),
        # While the link still works, no error status: the server's log of
        # failed requests must not keep a live link.
        "own": (
            200,
            "This link is for the person you asked",
            "You cannot answer your own request. They will use the link in the "
            "email they received.",
        ),
        # The verifier's page shows the item again, as it is now.
        "changed": (
            409,
            "This item changed while you were reading it",
            "Nothing has been recorded. Read the item as it is now before you answer.",
        ),
    }

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.status, self.title, self.message = self.REASONS[reason]
        super().__init__(self.title)


def read_token(token: str) -> VerificationRequest:
    """The request a link stands for, if it may still be answered; else raises
    LinkRefused saying why. Reads, never writes."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=VALID_FOR)
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except signing.BadSignature:
        raise LinkRefused("invalid") from None
    if not isinstance(payload, dict) or not {"r", "e", "n"} <= payload.keys():
        raise LinkRefused("invalid")
    request = (
        VerificationRequest.objects.select_related("owner")
        .filter(pk=payload["r"])
        .first()
    )
    if request is None:
        # Its owner's account is gone, and everything with it.
        raise LinkRefused("deleted")
    if request.evidence_id is None:
        raise LinkRefused("deleted")
    if request.evidence_id != payload["e"]:
        raise LinkRefused("invalid")  # a link made for another item
    if request.state == State.WITHDRAWN:
        raise LinkRefused("withdrawn")
    if request.state != State.PENDING or request.nonce != payload["n"]:
        raise LinkRefused("used")
    if request.status == State.EXPIRED:
        raise LinkRefused("expired")
    return request


# --- Answering ----------------------------------------------------------------------


def answer(
    token: str, *, confirmed: bool, seen: str, comment: str
) -> VerificationRequest:
    """Record the verifier's answer on the item they saw (`seen`, its fingerprint
    when the page was drawn). Raises LinkRefused if the link no longer works or
    the item changed since: then nothing is written."""
    with transaction.atomic():
        request = read_token(token)
        _lock(request.evidence)
        # Read again under the lock: of two answers at once, the second finds
        # the link used.
        request = read_token(token)
        item = request.evidence
        current = item.content_fingerprint()
        if current != seen:
            raise LinkRefused("changed")
        request.decide(confirmed=confirmed, fingerprint=current, comment=comment)
        item.refresh_verification()
    return request


# --- Voiding ------------------------------------------------------------------------


def void_if_changed(item: Evidence, reason: VoidReason) -> list[VerificationRequest]:
    """Void each confirmation of `item` whose fingerprint is no longer the item's,
    and refresh the item's verification; the voided ones, for the coder's message.

    Call it in the transaction that changed the item, after the change: the lock
    it takes makes a verifier's answer wait for the change, or the change wait for
    the answer, so that no confirmation of old content survives."""
    _lock(item)
    confirmed = list(item.verification_requests.filter(state=State.CONFIRMED))
    voided = []
    if confirmed:
        current = item.content_fingerprint()
        for request in confirmed:
            if request.fingerprint != current:
                request.void(reason)
                voided.append(request)
    # Always: a form saving a stale copy of the item may have written stale values.
    item.refresh_verification()
    return voided


def void_message(item: Evidence, voided: list[VerificationRequest]) -> str:
    """What the coder is told when a change voids the item's verification."""
    names = " and ".join(sorted({r.name for r in voided}))
    reason = voided[0].get_void_reason_display()
    return (
        f"“{item.title}” is no longer verified: {reason} after {names} verified it. "
        "Ask them to verify it again if you still need it."
    )


def _lock(item: Evidence) -> None:
    """Lock the item's row until the transaction ends."""
    list(Evidence.objects.select_for_update().filter(pk=item.pk).values_list("pk"))


def _local(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


# --- Export and import ----------------------------------------------------------


def _sealed_facts(request: VerificationRequest) -> str:
    return json.dumps(
        [
            request.owner_id,
            request.name,
            request.role,
            request.organisation,
            request.email,
            # The same moment, however a file wrote its offset.
            request.decided_at.astimezone(datetime.UTC).isoformat()
            if request.decided_at
            else None,
            request.fingerprint,
        ],
        ensure_ascii=False,
    )


def seal(request: VerificationRequest) -> str:
    """A signature of a confirmation's facts by this server, carried by an export:
    a file anyone can edit cannot otherwise prove that a verifier confirmed."""
    return signing.Signer(salt=SEAL_SALT).signature(_sealed_facts(request))


def seal_holds(request: VerificationRequest, given: object) -> bool:
    if not isinstance(given, str):
        return False
    expected = seal(request)
    return constant_time_compare(given, expected)
