"""Copy the photos kept on local disk into the configured bucket, and give each its visibility.

Run once after setting AWS_STORAGE_BUCKET_NAME on an installation that kept photos on disk. It can
be stopped and run again at any time: a file already in the bucket with the same size is not sent
again, and every object's visibility is set by the rule (``workflow.photos``) on each run, so a
later run also repairs a visibility change that failed. Local files are left in place; remove
them once the bucket is verified.
"""
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError

from core.photo_files import set_visibility
from workflow.models import CasePhoto, SubmissionPhoto
from workflow.photos import photo_is_public, stored_names


def _size_in_bucket(name):
    try:
        return default_storage.size(name)
    except FileNotFoundError:
        return None


class Command(BaseCommand):
    help = "Chuyển ảnh đang lưu trên đĩa sang kho S3 đã cấu hình (chạy lại được, bỏ qua ảnh đã chuyển)."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(settings.MEDIA_ROOT),
                            help="the folder the photos were kept in (default: MEDIA_ROOT)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be copied, copy nothing")

    def handle(self, *args, **options):
        if not hasattr(default_storage, "set_public"):
            raise CommandError("Set AWS_STORAGE_BUCKET_NAME (and the bucket's credentials) first.")
        source = FileSystemStorage(location=options["source"])
        counts = {"copied": 0, "already": 0, "missing": 0, "visibility_failed": 0}
        for photo in self._photos():
            for name in stored_names(photo):
                counts[self._copy(source, name, dry_run=options["dry_run"])] += 1
            if not options["dry_run"]:
                counts["visibility_failed"] += set_visibility(stored_names(photo), public=photo_is_public(photo))
        prefix = "Dry run, nothing sent. " if options["dry_run"] else ""
        self.stdout.write(prefix + "Photos: {copied} file(s) copied, {already} already in the bucket, {missing} "
                          "missing on disk, {visibility_failed} visibility change(s) failed.".format(**counts))
        if counts["visibility_failed"]:
            raise CommandError("Some visibility changes failed; run the command again.")

    def _photos(self):
        yield from SubmissionPhoto.objects.select_related("submission").order_by("pk").iterator(chunk_size=500)
        yield from CasePhoto.objects.select_related("case").order_by("pk").iterator(chunk_size=500)

    def _copy(self, source, name, *, dry_run):
        path = Path(source.path(name))
        in_bucket = _size_in_bucket(name)
        if not path.is_file():
            if in_bucket is not None:
                return "already"  # moved before, local copy since removed
            self.stderr.write(f"missing on disk: {name}")
            return "missing"
        if in_bucket == path.stat().st_size:
            return "already"
        if not dry_run:
            with path.open("rb") as fh:
                stored = default_storage.save(name, File(fh, name=name))
            if stored != name:
                raise CommandError(f"the bucket stored {name} as {stored}; set file_overwrite")
        return "copied"
