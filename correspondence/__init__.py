"""The worked example AL BEL 1/2025, installed as ``commresp.example`` for ``commresp demo``."""
