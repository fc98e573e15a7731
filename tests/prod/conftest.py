# The `two_app_servers` fixture and its helpers live in tests/servers.py (a plugin registered by
# tests/conftest.py), so that tests in every directory can use them.
