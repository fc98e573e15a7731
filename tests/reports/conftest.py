from tests.accounts_media.conftest import chain  # noqa: F401  (the manual's units, shared)
