"""The calendar of deadlines (.ics) for the mission's diary (``export --format ics``).

Each reply date and each agency due date is an all-day event (RFC 5545) that:

- keeps a stable UID (reference + what), so importing the file again updates the events
  instead of duplicating them, and carries a SEQUENCE that grows with every change of the
  communication (the number of its audit events), so the newer copy wins;
- is TRANSPARENT: a due date is not a busy day;
- reminds ``[calendar] alarm_days`` days before (a VALARM; default 3, 0 for none);
- turns CANCELLED once the communication is closed or replied to, or the agency has
  answered, so a diary that imported it drops it (cancelled events are kept in the file for
  a year after their day, then left out);
- is stamped (DTSTAMP) on the day commresp works on: COMMRESP_TODAY when set.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from commresp import store
from commresp.rules import states
from commresp.workspace.session import Session

# Cancelled events stay in the file this long after their day, for diaries that imported
# them; older ones are past anyway.
KEEP_CANCELLED_DAYS = 365


def stamp(today: date) -> datetime:
    """DTSTAMP: now (UTC) when commresp works on the real today, else that day at 00:00 UTC."""
    if today == date.today():
        return datetime.now(UTC).replace(microsecond=0)
    return datetime.combine(today, time(0, 0), tzinfo=UTC)


def calendar(session: Session) -> bytes:
    """The deadlines as an iCalendar file (bytes, CRLF lines)."""
    from icalendar import Alarm, Calendar, Event

    alarm_days = session.profile.alarm_days
    cal = Calendar()
    cal.add("prodid", "-//commresp//Special Procedures deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{session.profile.mission_name('en').short} – SP deadlines")
    stamped = stamp(session.today)
    since = session.today - timedelta(days=KEEP_CANCELLED_DAYS)
    for row in store.calendar_rows(session.db, states.OPEN_STATES, since):
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
        event.add("dtstamp", stamped)
        event.add("sequence", row["sequence"])
        event.add("transp", "TRANSPARENT")
        event.add("status", "CANCELLED" if row["cancelled"] else "CONFIRMED")
        if row["subject"]:
            event.add("description", row["subject"])
        if alarm_days and not row["cancelled"]:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", timedelta(days=-alarm_days))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
