"""Factories for the tests: reference data, agencies with their people, submissions and cases.

Cases are opened through ``workflow.services.case_open`` and moved with the transition services,
never by writing the state field, so tests exercise the same path as the product.
"""
import factory
from django.contrib.auth.models import User
from django.utils import timezone

from core.devices import DeviceClass
from core.models import Category, Kind, Ward
from workflow.models import Agency, AgencyKind, Channel, Membership, Submission, hash_private_key
from workflow.services import case_open

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name_vi = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    kinds = factory.LazyFunction(lambda: [k.value for k in Kind])


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n}")
    name = factory.Sequence(lambda n: f"Phường {n}")
    division_type = "phường"
    province_code = 24


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency-{n}")
    name_vi = factory.Sequence(lambda n: f"Cơ quan {n}")
    kind = AgencyKind.DEPARTMENT


def member(username, agency, role):
    user = UserFactory(username=username)
    Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user


def make_submission(*, category=None, ward=None, kind=Kind.ON_SITE, title="Đèn đường hỏng",
                  description="Đèn đường trước số 12 đã hỏng một tuần.", device_class=DeviceClass.MOBILE,
                  channel=Channel.WEB, submitted_at=None, key="private-key", case=None, **fields):
    """A submission and (unless ``case`` is given) the case it opens, as intake would make them."""
    category = category or CategoryFactory()
    submitted_at = submitted_at or timezone.now()
    case = case or case_open(kind=kind, category=category, title=title, ward=ward, submitted_at=submitted_at,
                             device_class=device_class)
    number = Submission.objects.count() + 1
    return Submission.objects.create(
        tracking_code=fields.pop("tracking_code", f"BN-TEST-{number:04d}"), private_key_hash=hash_private_key(key),
        case=case, kind=kind, category=category, title=title, description=description, ward=ward,
        channel=channel, device_class=device_class, submitted_at=submitted_at, **fields,
    )
