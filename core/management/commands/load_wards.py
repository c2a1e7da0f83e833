"""Load the province's wards and communes from ``vietnam-provinces`` (idempotent).

Wards are matched by their official code: new ones are created, renamed ones updated, and ones the
package no longer lists (after a merger) are deactivated rather than deleted, because cases keep
pointing at them.
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from vietnam_provinces import Province, ProvinceCode, Ward as SourceWard

from core.models import Ward


def _source_wards(province_code):
    try:
        code = ProvinceCode(province_code)
    except ValueError:
        raise CommandError(f"Unknown province code {province_code}.") from None
    return Province.from_code(code), list(SourceWard.iter_by_province(code))


def _division_type(source):
    return getattr(source.division_type, "value", str(source.division_type))


def load_wards(province_code):
    """Create or update the wards of ``province_code``; returns (created, updated, deactivated)."""
    province, sources = _source_wards(province_code)
    if not sources:
        raise CommandError(f"vietnam-provinces lists no wards for {province.name}.")
    existing = {w.code: w for w in Ward.objects.filter(code__in=[str(s.code) for s in sources])}
    created, updated = [], []
    for source in sources:
        values = {"name": source.name, "division_type": _division_type(source),
                  "province_code": province_code, "is_active": True}
        ward = existing.get(str(source.code))
        if ward is None:
            created.append(Ward(code=str(source.code), **values))
        elif any(getattr(ward, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(ward, field, value)
            updated.append(ward)
    Ward.objects.bulk_create(created)
    Ward.objects.bulk_update(updated, ["name", "division_type", "province_code", "is_active"])
    deactivated = Ward.objects.filter(province_code=province_code, is_active=True) \
        .exclude(code__in=[str(s.code) for s in sources]).update(is_active=False)
    return province, len(created), len(updated), deactivated


class Command(BaseCommand):
    help = "Load the province's wards and communes from vietnam-provinces (PAKN_PROVINCE_CODE by default)."

    def add_arguments(self, parser):
        parser.add_argument("--province", type=int, default=None,
                            help="Province code (default: settings.PAKN_PROVINCE_CODE).")

    def handle(self, *args, province=None, **options):
        province_code = province or settings.PAKN_PROVINCE_CODE
        province, created, updated, deactivated = load_wards(province_code)
        total = Ward.objects.filter(province_code=province_code, is_active=True).count()
        self.stdout.write(f"{province.name}: {total} wards ({created} created, {updated} updated, "
                          f"{deactivated} deactivated).")
