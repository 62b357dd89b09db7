"""The family's data as one ZIP file (art. 15 GDPR, the right of access); see `data_rights`.

The archive holds `family.json` (every row, by section, for computers), `family.html` (the
same, readable in a browser and printable), `csv/<section>.csv` (for Excel: UTF-8 with a
BOM, ";" between cells) and `README.txt`. Staff and catalogue services that rows refer to by
id are listed too ("staff", "services"), so the export can be read on its own. The family's
accounts come without any secret: no passkey keys, no session or invitation token hashes,
no push endpoints, no calendar token.
"""

from __future__ import annotations

import enum
import html
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, SQLModel

from pwa.domain.cases.data_rights import family_record, rows_where
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.csv import csv_file
from pwa.domain.kernel.errors import NotFound
from pwa.i18n import format_date
from pwa.i18n import gettext as _
from pwa.models import (
    Centre,
    Family,
    Invitation,
    PasskeyCredential,
    PushSubscription,
    SupportService,
    User,
    UserSession,
)

# Columns never exported: the secrets of the family's accounts.
SECRET_COLUMNS: dict[type[SQLModel], frozenset[str]] = {
    User: frozenset({"calendar_token_hash"}),
    PasskeyCredential: frozenset({"credential_id", "public_key", "sign_count"}),
    UserSession: frozenset({"token_hash"}),
    Invitation: frozenset({"token_hash"}),
    PushSubscription: frozenset({"endpoint", "p256dh", "auth"}),
}
# Columns naming a member of staff: the export lists those people in "staff".
_STAFF_COLUMNS = frozenset(
    {
        "author_id", "assistant_id", "assigned_by_id", "recorded_by_id", "by_user_id",
        "actor_id", "created_by_id", "edited_by_id", "done_by_id", "confirmed_by_id",
        "agreed_by_user_id", "used_by_id",
    }
)  # fmt: skip

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class FamilyExport:
    """The archive's bytes and the name to save it under."""

    filename: str
    data: bytes


def section_titles() -> dict[str, str]:
    """The sections of the export, as the readable copy names them."""
    return {
        "family": _("The family and its case"),
        "members": _("Members of the family"),
        "consents": _("Consents"),
        "case_events": _("Changes of the case's state"),
        "assignments": _("Family assistants assigned"),
        "plans": _("Work plans"),
        "goals": _("Goals of the plans"),
        "tasks": _("Tasks of the plans"),
        "visits": _("Visits"),
        "visit_attendance": _("Who was present at the visits"),
        "visit_revisions": _("Earlier versions of edited visits"),
        "meetings": _("Meetings"),
        "assessments": _("Assessments of the family's situation"),
        "goal_progress": _("Progress on the goals"),
        "court_opinions": _("Opinions for the court"),
        "institution_contacts": _("Contacts with institutions"),
        "support_requests": _("Support requested from the catalogue"),
        "team_decisions": _("Decisions of the team"),
        "first_contacts": _("First contacts"),
        "users": _("Accounts of the family's members"),
        "passkeys": _("Passkeys of those accounts"),
        "sessions": _("Sign-ins of those accounts"),
        "push_devices": _("Devices receiving notifications"),
        "invitations": _("Invitations to the app"),
        "audit_events": _("Audit log: who read or changed the record"),
        "staff": _("Staff named in the record"),
        "services": _("Support services named in the record"),
    }


def _plain(value: Any) -> Any:
    """A value as JSON and CSV keep it: ids and dates as text, enums as their code."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _row(row: SQLModel) -> dict[str, Any]:
    hidden = SECRET_COLUMNS.get(type(row), frozenset())
    return {
        name: _plain(value)
        for name, value in row.model_dump().items()
        if name not in hidden and not isinstance(value, bytes)
    }


def _named(db: Session, sections: dict[str, Rows]) -> dict[str, Rows]:
    """The staff and catalogue services the rows refer to by id."""
    staff_ids = {
        uuid.UUID(row[name])
        for rows in sections.values()
        for row in rows
        for name in _STAFF_COLUMNS
        if row.get(name)
    }
    family_users = {uuid.UUID(row["id"]) for row in sections["users"]}
    staff = rows_where(db, User, User.id, sorted(staff_ids - family_users))
    service_ids = sorted({uuid.UUID(row["service_id"]) for row in sections["support_requests"]})
    services = rows_where(db, SupportService, SupportService.id, service_ids)
    return {
        "staff": [
            {"id": str(u.id), "first_name": u.first_name, "last_name": u.last_name,
             "role": u.role.value}
            for u in staff
        ],
        "services": [
            {"id": str(s.id), "name": s.name, "category": s.category.value, "phone": s.phone}
            for s in services
        ],
    }  # fmt: skip


def _html(title: str, sections: dict[str, Rows]) -> str:
    """The readable copy: one table a section (a file on its own: no script, no styles)."""
    esc = html.escape
    titles = section_titles()
    nothing = _("None.")
    parts = [
        "<!doctype html>",
        '<html lang="pl"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for key, rows in sections.items():
        parts.append(f"<h2>{esc(titles[key])}</h2>")
        if not rows:
            parts.append(f"<p>{esc(nothing)}</p>")
            continue
        columns = list(rows[0])
        parts.append(f"<table><caption>{esc(titles[key])}</caption><thead><tr>")
        parts += [f'<th scope="col">{esc(name)}</th>' for name in columns]
        parts.append("</tr></thead><tbody>")
        for row in rows:
            cells = (esc("" if row[c] is None else str(row[c])) for c in columns)
            parts.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _readme(family: Family, centre: Centre, now: datetime) -> str:
    return _(
        "Data about the family %(case)s kept by %(centre)s, exported on %(date)s.\n\n"
        "family.json: every record, by section, for computers.\n"
        "family.html: the same, to read in a web browser or to print.\n"
        "csv/: one file a section, for a spreadsheet (UTF-8, columns separated by semicolons).\n\n"
        "Column names are those of the centre's system. Secrets that let a person sign in "
        "(passkey keys, session and invitation codes) are never exported.\n",
        case=family.case_number,
        centre=centre.name,
        date=format_date(now),
    )


def archive_name(family: Family) -> str:
    """A safe file name for the family's archive ("rodzina-AR.4011.3.2026.zip")."""
    return f"rodzina-{re.sub(r'[^A-Za-z0-9._-]+', '-', family.case_number)}.zip"


def export_family(
    db: Session, *, actor: Actor, family_id: uuid.UUID, now: datetime
) -> FamilyExport:
    """Everything the centre holds about one family, as a ZIP file (coordinators; audited)."""
    policy.require_coordinator(actor)
    family = policy.get_family(db, actor=actor, family_id=family_id)
    centre = db.get(Centre, family.centre_id)
    if centre is None:  # pragma: no cover - a foreign key guarantees it
        raise NotFound
    # Recorded first, so that the archive's audit log shows this export too.
    audit.record(db, actor=actor, action="family.export", family_id=family.id, obj=family)
    db.flush()
    record = family_record(db, family)
    sections = {key: [_row(row) for row in rows] for key, rows in record.sections().items()}
    sections |= _named(db, sections)
    title = _("Data of the family %(case)s", case=family.case_number)
    document = {
        "exported_at": now.isoformat(),
        "centre": {"id": str(centre.id), "name": centre.name, "address": centre.address},
        "sections": sections,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(family, centre, now))
        archive.writestr("family.json", json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("family.html", _html(title, sections))
        for key, rows in sections.items():
            columns = list(rows[0]) if rows else []
            table = [columns, *([row[c] for c in columns] for row in rows)]
            archive.writestr(f"csv/{key}.csv", csv_file(table))
    return FamilyExport(filename=archive_name(family), data=buffer.getvalue())
