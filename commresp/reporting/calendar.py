"""The calendar of deadlines (.ics) for the mission's diary (``export --format ics``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from commresp import store
from commresp.rules import states
from commresp.workspace.session import Session


def calendar(session: Session) -> bytes:
    """All-day events: each open communication's reply date and each open enquiry's due date.

    UIDs are stable (reference + what), so re-importing the file updates events instead of
    duplicating them.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//commresp//Special Procedures deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{session.profile.get('mission.short_name_en')} – SP deadlines")
    stamp = store.now()
    for row in store.calendar_rows(session.db, states.OPEN_STATES):
        day = date.fromisoformat(row["day"])
        event = Event()
        if row["agency"]:
            uid = f"{row['slug']}.{row['agency']}.due@commresp"
            summary = f"{row['ref']}: answer due from {row['agency_name']}"
        else:
            uid = f"{row['slug']}.reply@commresp"
            summary = f"{row['ref']}: reply due to OHCHR"
        event.add("uid", uid)
        event.add("summary", summary)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("dtstamp", datetime.fromisoformat(stamp))
        if row["subject"]:
            event.add("description", row["subject"])
        cal.add_component(event)
    return cal.to_ical()
