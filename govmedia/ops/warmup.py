"""Warm the app up in gunicorn's master before it forks (preload_app; issue 32).

A fresh worker's first request used to import every view module (the URLconf): 2–9 s on a busy
2-core machine, paid again by each worker that recycling (`max_requests`) or a reload
(`kill -HUP`) starts, while the worker it replaces has already stopped accepting. Done once in the
master, every forked worker starts with it. Templates are left to compile on first use (each
worker renders few of them). Nothing here touches the database (connections are closed anyway:
a forked child must never share one)."""
import logging

from django.db import connections
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    resolver.reverse_dict  # noqa: B018 - and builds the reverse lookup tables
    connections.close_all()
    logger.info("warm-up: URLconf loaded before the workers fork")
