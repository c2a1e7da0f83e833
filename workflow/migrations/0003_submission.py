"""Submissions and their photos move from ``feedback`` to ``workflow`` (the case owns them).

Only Django's idea of the models moves: the tables keep their names (``feedback_feedback``,
``feedback_photo``) and their rows, so nothing is copied. ``feedback.0003`` drops the old models
from ``feedback``'s state and carries the content types over.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('feedback', '0002_metrics_indexes'),
        ('workflow', '0002_metrics_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Submission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tracking_code', models.CharField(max_length=20, unique=True, verbose_name='mã theo dõi')),
                        ('private_key_hash', models.CharField(editable=False, max_length=64)),
                        ('idempotency_key', models.CharField(blank=True, editable=False, max_length=128, null=True, unique=True)),
                        ('request_fingerprint', models.CharField(blank=True, editable=False, max_length=64)),
                        ('kind', models.CharField(choices=[('on_site', 'Hiện trường'), ('procedure', 'Thủ tục hành chính'), ('business', 'Doanh nghiệp')], max_length=20, verbose_name='loại')),
                        ('title', models.CharField(max_length=200, verbose_name='tiêu đề')),
                        ('description', models.TextField(max_length=4000, verbose_name='nội dung')),
                        ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='vĩ độ')),
                        ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='kinh độ')),
                        ('location_from_photo', models.BooleanField(default=False)),
                        ('address', models.CharField(blank=True, max_length=300, verbose_name='địa chỉ')),
                        ('contact_name', models.CharField(blank=True, max_length=120, verbose_name='họ tên')),
                        ('contact_phone', models.CharField(blank=True, max_length=20, verbose_name='điện thoại')),
                        ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                        ('anonymous', models.BooleanField(default=False, verbose_name='ẩn danh')),
                        ('publish_consent', models.BooleanField(default=False, verbose_name='đồng ý công khai')),
                        ('language', models.CharField(default='vi', max_length=8)),
                        ('channel', models.CharField(choices=[('web', 'Cổng web'), ('api', 'Ứng dụng / API'), ('open311', 'Open311'), ('hotline', 'Đường dây nóng / quầy')], default='web', max_length=10, verbose_name='kênh')),
                        ('device_class', models.CharField(choices=[('mobile', 'Di động'), ('tablet', 'Máy tính bảng'), ('desktop', 'Máy tính'), ('unknown', 'Không rõ')], default='unknown', max_length=10, verbose_name='thiết bị')),
                        ('submitted_at', models.DateTimeField(db_index=True, verbose_name='thời điểm gửi')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='workflow.case')),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='core.category', verbose_name='lĩnh vực')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('ward', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='core.ward', verbose_name='phường/xã')),
                    ],
                    options={
                        'verbose_name': 'phản ánh',
                        'verbose_name_plural': 'phản ánh',
                        'db_table': 'feedback_feedback',
                        'ordering': ['-submitted_at', '-pk'],
                        'indexes': [
                            models.Index(fields=['submitted_at', 'device_class'], name='feedback_period_device'),
                            models.Index(fields=['device_class', 'submitted_at', 'case'], name='feedback_device_period_case'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='SubmissionPhoto',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('image', models.ImageField(upload_to='photos/%Y/%m/')),
                        ('thumbnail', models.ImageField(upload_to='photos/%Y/%m/thumbs/')),
                        ('width', models.PositiveIntegerField()),
                        ('height', models.PositiveIntegerField()),
                        ('source_format', models.CharField(max_length=10)),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                        ('submission', models.ForeignKey(db_column='feedback_id', on_delete=django.db.models.deletion.CASCADE, related_name='photos', to='workflow.submission')),
                    ],
                    options={
                        'verbose_name': 'ảnh',
                        'verbose_name_plural': 'ảnh',
                        'db_table': 'feedback_photo',
                        'ordering': ['position', 'pk'],
                    },
                ),
            ],
        ),
    ]
