"""Keep `User.portfolio_version` moving with the portfolio, so cached pages drawn
from it (dashboard, evidence list, coverage matrix) are never served stale.

Every save or delete of an item (of any kind), an employment, an attachment or a
mapping, every change to an item's specialties or case types and the deletion of a
specialty or case type bumps the owner's version; the views make the change and the
bump in one transaction, so neither commits without the other. Queryset `update()` and
`bulk_create()` send no signals: code that uses them on these models must call
`portfolio_changed` itself. A criterion's change touches its specification's
`updated_at`, which keys the cached coverage matrix. An attachment's stored file
is deleted with its row, once the deletion commits.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from portfolio.models import (
    KIND_MODELS,
    Attachment,
    CaseType,
    ComplexCase,
    Employment,
    Evidence,
    Specialty,
)

# The owners whose changes are being collected by `one_bump_per_coder`, if any.
_collecting: ContextVar[set[int] | None] = ContextVar("collecting", default=None)


def portfolio_changed(*owner_ids: int) -> None:
    """Bump the portfolio version of these coders. One query (none while
    `one_bump_per_coder` collects them)."""
    from accounts.models import User

    collected = _collecting.get()
    if collected is not None:
        collected.update(owner_ids)
        return
    User.objects.filter(pk__in=set(owner_ids)).update(
        portfolio_version=F("portfolio_version") + 1
    )


@contextmanager
def one_bump_per_coder() -> Iterator[None]:
    """Collect the owners of the changes made inside, and bump each once on the way
    out: for bulk work such as an import (a thousand items would otherwise be a
    thousand and more updates of the same row). Use it inside the transaction that
    makes the changes, so the bump commits with them; nothing is bumped if the
    block raises (the transaction rolls back)."""
    collected: set[int] = set()
    token = _collecting.set(collected)
    try:
        yield
    finally:
        _collecting.reset(token)
    if collected:
        portfolio_changed(*collected)


def _owner_id(instance) -> int | None:
    if isinstance(instance, Evidence | Employment):
        return instance.owner_id
    if hasattr(instance, "evidence_id"):  # an attachment or a mapping
        return (
            Evidence.objects.filter(pk=instance.evidence_id)
            .values_list("owner_id", flat=True)
            .first()
        )
    return None


@contextmanager
def portfolio_change() -> Iterator[None]:
    """A change to coders' portfolios: one transaction, the version bumps in it,
    one bump per coder however many rows and tags the change touches."""
    with transaction.atomic(), one_bump_per_coder():
        yield


def _items_tagged(tag: Specialty | CaseType):
    """The items a specialty or a case type is on."""
    return tag.evidence.all() if isinstance(tag, Specialty) else tag.cases.all()


def _bump_owners_of(items) -> None:
    owners = set(items.values_list("owner_id", flat=True))
    if owners:
        portfolio_changed(*owners)


def _bump_on_save_or_delete(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures loading
        return
    owner_id = _owner_id(instance)
    if owner_id is not None:
        portfolio_changed(owner_id)


# Connected model by model (each kind of evidence is its own sender): a receiver
# for every model would turn off Django's fast deletes everywhere (sessions...).
for _model in (Evidence, *KIND_MODELS.values(), Employment, Attachment):
    post_save.connect(_bump_on_save_or_delete, sender=_model)
    post_delete.connect(_bump_on_save_or_delete, sender=_model)


@receiver(post_delete, sender=Attachment)
def _delete_the_file(sender, instance, **kwargs) -> None:
    """An attachment's file goes with its row, however the row goes (its item
    deleted, a portfolio reseeded, a user removed), once the deletion commits."""
    stored = instance.file
    transaction.on_commit(lambda: stored.delete(save=False))


@receiver(pre_delete, sender=Specialty)
@receiver(pre_delete, sender=CaseType)
def _bump_before_a_tag_goes(sender, instance, **kwargs) -> None:
    """Deleting a specialty or case type drops it from items without m2m signals:
    bump the owners of the items that had it."""
    _bump_owners_of(_items_tagged(instance))


@receiver(m2m_changed, sender=Evidence.specialties.through)
@receiver(m2m_changed, sender=ComplexCase.case_types.through)
def _bump_on_tags(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:  # from the item's side: item.specialties.set(...)
        if action in ("post_add", "post_remove", "post_clear"):
            portfolio_changed(instance.owner_id)
        return
    # From the specialty's (or case type's) side: the items named; for a clear,
    # every item it had, read before the rows go.
    if action in ("post_add", "post_remove"):
        _bump_owners_of(Evidence.objects.filter(pk__in=pk_set))
    elif action == "pre_clear":
        _bump_owners_of(_items_tagged(instance))
