"""Where templates are found: the workspace's ``templates/`` first, then the packaged ones."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from commresp.errors import TemplateError
from commresp.workspace import Workspace, files


def packaged_dir() -> Path:
    """The templates installed with commresp (``templates/`` of the source tree)."""
    return Path(str(resources.files("commresp.templates")))


def search_path(ws: Workspace | None) -> list[Path]:
    """Folders to look in, in order: a workspace override wins over the packaged file."""
    return [ws.templates, packaged_dir()] if ws is not None else [packaged_dir()]


def find(name: str, ws: Workspace | None) -> Path:
    """The first template file called ``name`` on the search path."""
    for folder in search_path(ws):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise TemplateError(
        f"template {name!r} not found (looked in the workspace's templates/ and commresp's own)"
    )


def load_toml(name: str, ws: Workspace | None) -> dict:
    """A TOML template (wording of forms and e-mails), with a clear error if it is broken."""
    path = find(name, ws)
    try:
        return tomllib.loads(files.read_text(path))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(f"template {path} is not valid TOML: {exc}") from None
