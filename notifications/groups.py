"""Channel-layer groups for live updates, named once here.

Who may hear about a case is who may see it: ``workflow.visibility`` gives the audiences of an
actor and of a case (an actor sees a case exactly when they share one); this module only names
them, and adds the groups that are not about seeing cases:

* ``every-case``: whoever sees every case (reception, administrators, province supervisors);
* ``agency-<id>``: members of an agency (any role), for the cases that agency holds;
* ``tree-<id>``: supervisors of an agency, for every case held in its subtree;
* ``user-<id>``: one person's own in-app notifications;
* ``submission-<id>``: the submitter holding the private key of one submission.
"""
from workflow.visibility import Audience, audiences_of_actor, audiences_of_case

EVERY_CASE_GROUP = "every-case"


def agency_group(agency_id):
    return f"agency-{agency_id}"


def tree_group(agency_id):
    return f"tree-{agency_id}"


def user_group(user_id):
    return f"user-{user_id}"


def submission_group(submission_id):
    return f"submission-{submission_id}"


def group_of(audience: Audience) -> str:
    if audience.kind == "agency":
        return agency_group(audience.agency_id)
    if audience.kind == "subtree":
        return tree_group(audience.agency_id)
    return EVERY_CASE_GROUP


def groups_for_case(case):
    """The groups allowed to see a case."""
    return [group_of(audience) for audience in audiences_of_case(case)]


def groups_for_actor(actor):
    """The groups a staff actor listens to: those of the cases they may see, and their own."""
    return sorted({user_group(actor.user_id)} | {group_of(audience) for audience in audiences_of_actor(actor)})
