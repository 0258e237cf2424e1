"""Typed input errors: each renders as one line naming the file and the cause."""


class ReviewError(Exception):
    """Base for every error a user's input can cause (CLI exit code 2)."""

    cause = "cannot be read"

    def __init__(self, path, detail: str = ""):
        self.path = str(path)
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.path}: {self.cause}" + (f" ({self.detail})" if self.detail else "")


class UnsupportedFormat(ReviewError):
    cause = "not a contract format this tool reads (PDF, DOCX, text or Markdown)"


class EncryptedDocument(ReviewError):
    cause = "is encrypted or password-protected; remove the password and try again"


class CorruptDocument(ReviewError):
    cause = "is corrupted or truncated"


class EmptyDocument(ReviewError):
    cause = "contains no text"


class ScannedDocument(ReviewError):
    cause = "has no text layer; it looks scanned and needs OCR first"


class TooLarge(ReviewError):
    cause = "is over the size limit"


class TimedOut(ReviewError):
    cause = "took longer than the per-file time limit"
