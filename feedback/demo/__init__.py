"""The demo province, its people and months of history, for ``manage.py seed_demo``.

* ``data``: Bắc Ninh's agencies, categories, routing, deadline policies and sample texts;
* ``reference``: upserts that reference data (safe to run again);
* ``users``: the four demo users and one officer per handling agency;
* ``planner``: draws what will happen to each sample case (fate, channel, device, when, where);
* ``stories``: plays one case's story through intake (``feedback_submit``), the citizen's actions
  and the workflow services, each step at an explicit moment;
* ``scheduler``: interleaves every story in time order, with the workflow's bus muted (the
  history happened "in the past": nobody is told of it);
* ``progress``: the progress line on the terminal.
"""
