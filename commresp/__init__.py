"""commresp: answer communications from UN human-rights Special Procedures."""

__version__ = "0.1.0"
