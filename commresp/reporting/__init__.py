"""Figures, the HTML report, the calendar and exports, read from the record."""
