"""Warm the app up in gunicorn's master before it forks (preload_app; issue 32).

A fresh worker's first request used to import every view module (the URLconf): 2–9 s on a busy
2-core machine, paid again by each worker that recycling (`max_requests`) or a reload
(`kill -HUP`) starts, while the worker it replaces has already stopped accepting. Done once in the
master, every forked worker starts with it. Templates are left to compile on first use (each
worker renders few of them). Nothing here touches the database (connections are closed anyway:
a forked child must never share one).

Then everything loaded so far (~150,000 objects: modules, URL patterns, model metadata) is moved
out of the garbage collector's reach (`gc.freeze()`, decision 0067): they live as long as the
process, yet every full collection walked all of them again, ~80 ms each, about once in 50 list
pages (≈1.5 ms a request on average, measured on the 100-row list), and touching them in a forked
worker copies their memory pages. Python's documentation recommends exactly this before a fork."""
import gc
import logging

from django.db import connections
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    resolver.reverse_dict  # noqa: B018 - and builds the reverse lookup tables
    connections.close_all()
    gc.collect()
    gc.freeze()
    logger.info("warm-up: URLconf loaded before the workers fork; %d objects frozen", gc.get_freeze_count())
