"""Channel-layer groups for live updates, named once here.

A consumer joins the groups its actor may see; a change is sent to the groups that may see the
case. The two sides use the same rules as ``workflow.permissions.can_see``:

* ``agency-<id>``: members of an agency (any role) see the cases that agency holds;
* ``tree-<id>``: supervisors of an agency see every case held in its subtree (a case is sent to
  the tree group of its agency and of each ancestor);
* ``every-case``: whoever sees every case (reception, administrators, province supervisors), also
  those still at reception with no agency; they listen to this group alone, so nothing arrives twice;
* ``user-<id>``: one person's own in-app notifications;
* ``submission-<id>``: the submitter holding the private key of one submission.
"""
EVERY_CASE_GROUP = "every-case"


def agency_group(agency_id):
    return f"agency-{agency_id}"


def tree_group(agency_id):
    return f"tree-{agency_id}"


def user_group(user_id):
    return f"user-{user_id}"


def submission_group(submission_id):
    return f"submission-{submission_id}"


def _ids_in_path(path):
    return [int(part) for part in (path or "").strip("/").split("/") if part]


def groups_for_case(case):
    """The groups allowed to see a case: its agency, every ancestor's tree, and those who see all."""
    groups = [EVERY_CASE_GROUP]
    if case.agency_id is not None:
        groups.append(agency_group(case.agency_id))
        groups.extend(tree_group(agency_id) for agency_id in _ids_in_path(case.agency.path))
    return groups


def groups_for_actor(actor):
    """The groups a staff actor may listen to, by the rule of ``workflow.permissions.can_see``."""
    groups = {user_group(actor.user_id)}
    if actor.sees_every_case:
        return sorted(groups | {EVERY_CASE_GROUP})
    groups.update(agency_group(agency_id) for agency_id in actor.agency_ids)
    for path in actor.supervised_paths:
        groups.add(tree_group(_ids_in_path(path)[-1]))
    return sorted(groups)
