"""The workspace (工作台): ``xuncha serve``, a web app over the same database as the runs.

Pages for the sites, a run's report, the findings (filter, search, sort, export), one finding
with its history and actions, the look-back and the ledger; accounts with roles (admin, unit,
auditor). Modules: ``app`` (routes, sessions, logins, headers), ``guard`` (who may do what,
CSRF), ``views`` (the pages), ``rendering`` (the reports' Jinja2 environment plus the
workspace's templates), ``words`` (its words in two languages), ``asgi`` (the app for a
production server).
"""
