"""Data-quality warnings raised by imports: once per (code, entity, external id), listed for review."""

from __future__ import annotations

from accord.models import DataQualityWarning, WarningCode
from accord.services.import_batches import Batch

MESSAGE_CHARS = 500


def raise_warnings(code: WarningCode, entity: str, found: list[tuple[str, str]], batch: Batch) -> None:
    """Store (external id, message) pairs not warned about before; count the new ones in the batch."""
    if not found:
        return
    keys = {external_id for external_id, _ in found}
    known = set(
        DataQualityWarning.objects.filter(code=code, entity=entity, external_id__in=keys).values_list(
            "external_id", flat=True
        )
    )
    new = {external_id: message for external_id, message in found if external_id not in known}
    DataQualityWarning.objects.bulk_create(
        DataQualityWarning(
            code=code,
            entity=entity,
            external_id=external_id,
            message=message[:MESSAGE_CHARS],
            import_run=batch.run,
            created_at=batch.now,
        )
        for external_id, message in new.items()
    )
    batch.counts.warnings += len(new)
