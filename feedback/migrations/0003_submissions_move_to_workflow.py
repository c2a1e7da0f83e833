"""The submission and photo models now live in ``workflow`` (see ``workflow.0003_submission``).

Only the state changes here; the tables and rows stay. The content types and permissions follow
the models, so the admin's history and any permission already granted keep pointing at them.
"""
from django.db import migrations

MOVES = (("feedback", "submission"), ("photo", "submissionphoto"))


def _move_content_types(apps, from_label, to_label, *, forward):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for old, new in MOVES:
        source, target = (old, new) if forward else (new, old)
        moving = ContentType.objects.filter(app_label=from_label, model=source).first()
        if moving is None or ContentType.objects.filter(app_label=to_label, model=target).exists():
            continue
        moving.app_label, moving.model = to_label, target
        moving.save(update_fields=["app_label", "model"])
        for permission in Permission.objects.filter(content_type=moving):
            action = permission.codename.split("_", 1)[0]
            permission.codename = f"{action}_{target}"
            permission.save(update_fields=["codename"])


def forwards(apps, schema_editor):
    _move_content_types(apps, "feedback", "workflow", forward=True)


def backwards(apps, schema_editor):
    _move_content_types(apps, "workflow", "feedback", forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('feedback', '0002_metrics_indexes'),
        ('workflow', '0003_submission'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Photo'),
                migrations.DeleteModel(name='Feedback'),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
