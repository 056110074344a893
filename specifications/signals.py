"""Keep cached pages of specifications and mappings fresh (see portfolio.signals)."""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from portfolio.signals import _bump_on_save_or_delete
from specifications.models import Criterion, EvidenceLink, PersonSpecification


def _touch_specification(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    PersonSpecification.objects.filter(pk=instance.specification_id).update(
        updated_at=timezone.now()
    )


post_save.connect(_bump_on_save_or_delete, sender=EvidenceLink)
post_delete.connect(_bump_on_save_or_delete, sender=EvidenceLink)
post_save.connect(_touch_specification, sender=Criterion)
post_delete.connect(_touch_specification, sender=Criterion)
