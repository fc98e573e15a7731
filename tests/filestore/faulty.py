"""A storage that fails midway through a write, as a disk that fills up or turns read-only does."""
import errno

from govmedia.common.storage import DatabaseStorage


class FaultyStorage(DatabaseStorage):
    """Writes the first chunk, then raises OSError(fault) — ENOSPC by default."""

    def __init__(self, fault: int = errno.ENOSPC, **kwargs):
        super().__init__(**kwargs)
        self.fault = fault

    def _save(self, name, content):
        return super()._save(name, _FailAfterFirstPiece(content, self.fault))


class _FailAfterFirstPiece:
    def __init__(self, content, fault):
        self.content, self.fault = content, fault

    def chunks(self, chunk_size=None):
        for index, piece in enumerate(self.content.chunks(chunk_size)):
            if index:
                raise OSError(self.fault, "injected fault")
            yield piece[: max(1, len(piece) // 2)]
            raise OSError(self.fault, "injected fault")
