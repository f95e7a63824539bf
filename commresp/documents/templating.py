"""Jinja2 templates that produce Markdown: sandboxed, strict, and overridable per workspace.

Templates are user-editable text, so they run in Jinja's ``SandboxedEnvironment`` (no access
to Python internals such as ``''.__class__``) with ``StrictUndefined`` (a misspelt field is an
error naming the template, the line and the variable, not a silent blank in a diplomatic note).
A workspace's ``templates/`` folder is searched before the packaged templates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from commresp.errors import TemplateError


def environment(search_path: Sequence[Path]) -> SandboxedEnvironment:
    """A sandboxed environment reading templates from ``search_path`` in order."""
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown, escaped where it must be by the template
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, context: Mapping[str, Any], search_path: Sequence[Path]) -> str:
    """Render template ``name`` with ``context``; every failure is a :class:`TemplateError`."""
    env = environment(search_path)
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound:
        raise TemplateError(
            f"template {name!r} not found in " + ", ".join(str(p) for p in search_path)
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template {exc.name or name}, line {exc.lineno}: {exc.message}"
        ) from None
    try:
        return template.render(**context)
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"template {name}, line {_line(exc, name)}: {exc.message}; "
            "see the fields a template can use in its header comment"
        ) from None
    except SecurityError as exc:
        raise TemplateError(
            f"template {name}, line {_line(exc, name)}: refused by the sandbox ({exc})"
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template {name}, line {_line(exc, name)}: {exc}") from None


def _line(exc: BaseException, name: str) -> str:
    """The template line an error happened on, from the traceback Jinja rewrites."""
    tb = exc.__traceback__
    line = "?"
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(name):
            line = str(tb.tb_lineno)
        tb = tb.tb_next
    return line
