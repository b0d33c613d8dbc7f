"""Notices to the responsible units (整改通知): after each run, one digest per unit that has new,
reopened, soon-due or overdue findings, by e-mail and by the group robots offices read
(DingTalk, WeCom, Feishu).

Modules: ``config`` (the notices file: channels per unit, secrets by environment variable),
``digest`` (what each unit is told), ``channels`` (SMTP and the three webhook APIs), ``outbox``
(the deliveries in the database: queued once, claimed before a send, retried with back-off).
``xuncha notify`` runs them after the night; a failed send never touches a run.
"""
