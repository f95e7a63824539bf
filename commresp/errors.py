"""The one family of errors commresp raises; the CLI turns each into one line on stderr."""


class CommrespError(Exception):
    """Base class: an operation could not be done; the message says why and what to do."""

    exit_code = 1


class BadInput(CommrespError):
    """A value given by the user is malformed (exit code 2, like click's usage errors)."""

    exit_code = 2


class BadReference(BadInput):
    """A communication reference such as ``AL BEL 1/2025`` could not be parsed or is invalid."""


class UnknownReference(CommrespError):
    """No communication with this reference is registered in the workspace."""


class DuplicateReference(CommrespError):
    """A communication with this reference is already registered."""


class UnknownMandate(BadInput):
    """A mandate slug is not in the catalog."""


class UnknownAgency(BadInput):
    """An agency slug is not in the catalog."""


class WorkspaceError(CommrespError):
    """The workspace is missing, incomplete, or its profile is unreadable."""


class BadDatabaseUrl(BadInput):
    """The team server's URL is not a PostgreSQL URL, or is malformed."""


class InvalidTransition(CommrespError):
    """The communication is not in a state that allows this operation."""


class FormRejected(CommrespError):
    """A returned enquiry form or answer file was refused; nothing was stored."""


class TemplateError(CommrespError):
    """A document template is missing or broken (syntax error, unknown variable)."""


class DocumentError(CommrespError):
    """A document could not be drafted, rendered or converted."""


class RedactionLeak(DocumentError):
    """A redacted copy still shows a confidential term; the file was deleted."""


class FileLocked(CommrespError):
    """A file is held open by another program (Word on Windows); nothing was changed."""


class BackupRefused(CommrespError):
    """An archive cannot be restored (not a commresp backup, tampered with, or unsafe)."""


class ProblemsFound(CommrespError):
    """``check`` found problems in the workspace (each listed before the error line)."""


class NotPermitted(CommrespError):
    """The actor may not do this (e.g. approve a reply without being an approver)."""
