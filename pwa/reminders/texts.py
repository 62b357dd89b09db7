"""What a reminder says, in the current locale: no names, case numbers or addresses.

A notification shows on a lock screen, so its title and body only ever say what kind of thing
is due and when ("Masz wizytę jutro o 10:00", "Ocena okresowa za 3 dni").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pwa.i18n import WARSAW, format_date, format_time, ngettext, pgettext
from pwa.i18n import gettext as _
from pwa.models import ReminderKind, Role
from pwa.reminders.rules import DAY, DueReminder


@dataclass(frozen=True)
class NotificationText:
    title: str
    body: str


def _relative_day(day: date, at: date, *, today: str, tomorrow: str, other: str) -> str:
    if day == at:
        return today
    if day == at + DAY:
        return tomorrow
    return other


def notification_text(reminder: DueReminder, *, at: datetime) -> NotificationText:
    """The title and body of `reminder` as sent at `at` (so "tomorrow" is always true).

    Titles are short words ("Meeting"), so they have a context of their own in the catalog.
    """
    at_day = at.astimezone(WARSAW).date()
    kind = reminder.kind
    if kind in (ReminderKind.meeting_tomorrow, ReminderKind.meeting_soon):
        starts = reminder.starts_at
        assert starts is not None
        values = {"time": format_time(starts), "date": format_date(starts)}
        body = _relative_day(
            starts.astimezone(WARSAW).date(), at_day,
            today=_("You have a meeting today at %(time)s", **values),
            tomorrow=_("You have a meeting tomorrow at %(time)s", **values),
            other=_("You have a meeting on %(date)s at %(time)s", **values),
        )  # fmt: skip
        title = (
            pgettext("notification title", "Meeting soon")
            if kind is ReminderKind.meeting_soon
            else pgettext("notification title", "Meeting")
        )
        return NotificationText(title=title, body=body)
    if kind is ReminderKind.task_due:
        assert reminder.due_on is not None
        when = {"date": format_date(reminder.due_on)}
        if reminder.for_owner:
            body = _relative_day(
                reminder.due_on, at_day,
                today=_("Your task in the plan is due today"),
                tomorrow=_("Your task in the plan is due tomorrow"),
                other=_("Your task in the plan is due on %(date)s", **when),
            )  # fmt: skip
        else:
            body = _relative_day(
                reminder.due_on, at_day,
                today=_("A plan task is due today"),
                tomorrow=_("A plan task is due tomorrow"),
                other=_("A plan task is due on %(date)s", **when),
            )  # fmt: skip
        return NotificationText(title=pgettext("notification title", "Plan task"), body=body)
    if kind is ReminderKind.assessment_due:
        assert reminder.due_on is not None
        days = (reminder.due_on - at_day).days
        if days > 0:
            body = ngettext(
                "Periodic assessment due in %(num)s day",
                "Periodic assessment due in %(num)s days",
                days,
            )
        elif days == 0:
            body = _("Periodic assessment due today")
        else:
            body = ngettext(
                "Periodic assessment overdue by %(num)s day",
                "Periodic assessment overdue by %(num)s days",
                -days,
            )
        return NotificationText(
            title=pgettext("notification title", "Periodic assessment"), body=body
        )
    if kind is ReminderKind.office_hours:
        assert reminder.starts_at is not None and reminder.ends_at is not None
        hours = {"start": format_time(reminder.starts_at), "end": format_time(reminder.ends_at)}
        body = _relative_day(
            reminder.starts_at.astimezone(WARSAW).date(), at_day,
            today=_("Office hours at the centre today, %(start)s-%(end)s", **hours),
            tomorrow=_("Office hours at the centre tomorrow, %(start)s-%(end)s", **hours),
            other=_("Office hours at the centre on %(date)s, %(start)s-%(end)s",
                    date=format_date(reminder.starts_at), **hours),
        )  # fmt: skip
        return NotificationText(title=pgettext("notification title", "Office hours"), body=body)
    body = ngettext(
        "%(num)s periodic assessment is overdue in the centre",
        "%(num)s periodic assessments are overdue in the centre",
        reminder.count,
    )
    return NotificationText(title=pgettext("notification title", "Overdue assessments"), body=body)


def kind_label(kind: ReminderKind, role: Role) -> str:
    """What a kind means, for the settings page."""
    labels = {
        ReminderKind.assessment_due: _(
            "Periodic assessments: 14 and 3 days before, on the day, then weekly when overdue"
        ),
        ReminderKind.meeting_tomorrow: _("Meetings: the evening before"),
        ReminderKind.meeting_soon: _("Meetings: an hour before"),
        ReminderKind.task_due: _("Your plan tasks: the evening before the deadline")
        if role is Role.family
        else _("Plan tasks of your families: the evening before the deadline"),
        ReminderKind.office_hours: _("Office hours at the centre: that morning"),
        ReminderKind.overdue_digest: _("Overdue assessments in the centre: every Monday morning"),
    }
    return labels.get(kind, kind.value)
