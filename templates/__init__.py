"""Packaged document templates, installed as ``commresp.templates``; a workspace may override."""
