"""Reference data of the demo, upserted so that running the command again changes nothing."""
from dataclasses import dataclass

from core.models import Category, Ward
from feedback.demo import data as demo
from workflow.models import Agency, AgencyKind, DeadlinePolicy, RoutingRule


@dataclass
class Reference:
    agencies: dict
    categories: dict
    wards: dict  # the ward committees' wards, by code
    routes: dict  # (category code, ward code or None) → agency


def seed_reference_data():
    categories = seed_categories()
    agencies, wards = seed_agencies()
    routes = seed_routing(agencies, categories, wards)
    seed_deadline_policies(categories)
    return Reference(agencies=agencies, categories=categories, wards=wards, routes=routes)


def seed_categories():
    categories = {}
    for code, name_vi, name_en, kinds, order in demo.CATEGORIES:
        categories[code], _ = Category.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "kinds": kinds, "sort_order": order,
                                 "is_active": True})
    return categories


def _agency(code, name_vi, name_en, kind, parent=None, requires_approval=False, ward=None):
    agency, _ = Agency.objects.update_or_create(code=code, defaults={
        "name_vi": name_vi, "name_en": name_en, "kind": kind, "parent": parent,
        "requires_approval": requires_approval, "ward": ward, "is_active": True})
    return agency


def seed_agencies():
    """The tree: the province's committee at the root, reception, departments, wards and utilities under it."""
    root = _agency(*demo.PROVINCE, AgencyKind.OTHER)
    agencies = {root.code: root}
    agencies[demo.RECEPTION_AGENCY] = _agency(*demo.RECEPTION, AgencyKind.RECEPTION, root)
    for code, name_vi, name_en, approval in demo.DEPARTMENTS:
        agencies[code] = _agency(code, name_vi, name_en, AgencyKind.DEPARTMENT, root, approval)
    for code, name_vi, name_en, approval in demo.UTILITIES:
        agencies[code] = _agency(code, name_vi, name_en, AgencyKind.UTILITY, root, approval)
    wards = Ward.objects.in_bulk([row[0] for row in demo.WARD_COMMITTEES], field_name="code")
    for ward_code, code, approval, _centre in demo.WARD_COMMITTEES:
        ward = wards.get(ward_code)
        if ward is not None:  # a later reform may rename or merge it: then it is simply left out
            agencies[code] = _agency(code, *_committee_names(ward), AgencyKind.WARD, root, approval, ward)
    return agencies, wards


def _committee_names(ward):
    """"Phường Kinh Bắc" → "UBND phường Kinh Bắc" / "Kinh Bắc Ward People's Committee"."""
    level, _, place = ward.name.partition(" ")
    unit = {"phường": "Ward", "xã": "Commune"}.get(level.lower(), "Special Zone")
    return f"UBND {level.lower()} {place}", f"{place} {unit} People's Committee"


def seed_routing(agencies, categories, wards):
    routes = {}
    for category_code, agency_code in demo.CATEGORY_ROUTES.items():
        routes[category_code, None] = _rule(categories[category_code], None, agencies[agency_code],
                                            demo.CATEGORY_RULE_PRIORITY)
    for ward_code, agency_code, _approval, _centre in demo.WARD_COMMITTEES:
        if agency_code not in agencies:
            continue
        for category_code in demo.WARD_ROUTED_CATEGORIES:
            routes[category_code, ward_code] = _rule(categories[category_code], wards[ward_code],
                                                     agencies[agency_code], demo.WARD_RULE_PRIORITY)
    return routes


def _rule(category, ward, agency, priority):
    RoutingRule.objects.update_or_create(category=category, ward=ward,
                                         defaults={"agency": agency, "priority": priority, "is_active": True})
    return agency


def seed_deadline_policies(categories):
    for category_code, priority, reception, handling, return_hours in demo.DEADLINE_POLICIES:
        DeadlinePolicy.objects.update_or_create(
            category=categories[category_code] if category_code else None, priority=priority,
            defaults={"reception_hours": reception, "handling_hours": handling, "return_hours": return_hours,
                      "is_active": True})
