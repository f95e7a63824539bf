"""Jinja2 templates that produce Markdown: sandboxed, strict, and overridable per workspace.

Templates are user-editable text, so they run in Jinja's ``SandboxedEnvironment`` (no access
to Python internals such as ``''.__class__``) with ``StrictUndefined`` (a misspelt field is an
error naming the template, the line and the variable, not a silent blank in a diplomatic note).
A workspace's ``templates/`` folder is searched before the packaged templates.  Template files
are read with :func:`commresp.workspace.files.read_text`, so one saved by Notepad (BOM, CRLF)
renders exactly as the same text saved with LF.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from commresp.errors import TemplateError
from commresp.workspace import files


class TextFileLoader(jinja2.BaseLoader):
    """Templates from folders in order, each read as desktops write text (no BOM, LF)."""

    def __init__(self, search_path: Sequence[Path]) -> None:
        self.search_path = [Path(p) for p in search_path]

    def get_source(self, environment, template: str):
        parts = jinja2.loaders.split_template_path(template)  # refuses '..' in a name
        for folder in self.search_path:
            path = folder.joinpath(*parts)
            if not path.is_file():
                continue
            try:
                source = files.read_text(path)
            except UnicodeDecodeError:
                raise TemplateError(
                    f"template {path} is not UTF-8 text; save it again as UTF-8"
                ) from None
            mtime = path.stat().st_mtime

            def uptodate(path: Path = path, mtime: float = mtime) -> bool:
                try:
                    return path.stat().st_mtime == mtime
                except OSError:
                    return False

            return source, str(path), uptodate
        raise jinja2.TemplateNotFound(template)


def environment(search_path: Sequence[Path], *, html: bool = False) -> SandboxedEnvironment:
    """A sandboxed environment reading templates from ``search_path`` in order.

    Markdown templates are not escaped (the template escapes where it must); HTML ones
    (``html=True``, the report) escape every value they print.
    """
    return SandboxedEnvironment(
        loader=TextFileLoader(search_path),
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    name: str, context: Mapping[str, Any], search_path: Sequence[Path], *, html: bool = False
) -> str:
    """Render template ``name`` with ``context``; every failure is a :class:`TemplateError`."""
    env = environment(search_path, html=html)
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
