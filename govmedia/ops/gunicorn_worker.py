"""gunicorn's gthread worker that drains its connections when it stops (issue 32).

When a gthread worker stops — recycled after `max_requests`, or told to by a graceful reload
(`kill -HUP` of the master) or stop (`kill -TERM`) — gunicorn 23 leaves its loop and closes its
poller: a request that had already arrived on a kept-alive connection, or on a connection it
had just accepted, is never read, and the client sees the connection closed without an answer
(3 of 994 requests in the issue's 50-connection run). This worker, once it stops accepting
(its listening sockets leave the poller, the other workers take new connections), keeps serving
the connections it holds for up to DRAIN_SECONDS: every request that arrives is answered (with
`Connection: close`), idle connections are then closed. Loaded by gunicorn.conf.py
(`worker_class`); decision record 0057.
"""
import os
import selectors
import time
from concurrent import futures

from gunicorn.workers.gthread import ThreadWorker

DRAIN_SECONDS = float(os.environ.get("GUNICORN_DRAIN_SECONDS", "5"))  # at most
QUIET_SECONDS = 0.5  # … and it ends earlier once nothing has been held for this long


class DrainingThreadWorker(ThreadWorker):
    def run(self):
        for sock in self.sockets:
            sock.setblocking(False)
            server = sock.getsockname()
            self.poller.register(sock, selectors.EVENT_READ, lambda listener, server=server: self.accept(server,
                                                                                                        listener))
        while self.alive:
            self.notify()
            if self.nr_conns < self.worker_connections:
                for key, _ in self.poller.select(1.0):
                    key.data(key.fileobj)
                result = futures.wait(self.futures, timeout=0, return_when=futures.FIRST_COMPLETED)
            else:
                result = futures.wait(self.futures, timeout=1.0, return_when=futures.FIRST_COMPLETED)
            for fut in result.done:
                self.futures.remove(fut)
            if not self.is_parent_alive():
                break
            self.murder_keepalived()

        self.drain()
        self.tpool.shutdown(False)
        self.poller.close()
        for s in self.sockets:
            s.close()
        futures.wait(self.futures, timeout=self.cfg.graceful_timeout)

    _swept = False

    def finish_request(self, fs):
        # Under the lock the drain's final sweep takes: a connection is either kept (and swept by
        # the drain, or served by it) or closed here — never registered after the sweep.
        with self._lock:
            if self._swept:
                self.nr_conns -= 1
                fs.conn.close()
                return
            super().finish_request(fs)

    def drain(self) -> None:
        """Stop accepting; answer what arrives on the connections held, then close the idle ones.
        A request finishing meanwhile may still hand its connection back (its response was sent
        while the worker was alive): the drain goes on until nothing has been held for a while."""
        with self._lock:
            for sock in self.sockets:
                try:
                    self.poller.unregister(sock)
                except (KeyError, ValueError, OSError):
                    pass
        deadline = time.monotonic() + DRAIN_SECONDS
        quiet_since = None
        while time.monotonic() < deadline and self.is_parent_alive():
            for key, _ in self.poller.select(0.05):
                key.data(key.fileobj)  # read and answered with Connection: close (self.alive is False)
            for fut in [fut for fut in self.futures if fut.done()]:
                self.futures.remove(fut)
            with self._lock:
                held = bool(self.poller.get_map()) or bool(self._keep)
            if held or self.futures:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > QUIET_SECONDS:
                break
            self.notify()
        with self._lock:
            self._swept = True
            idle = list(self._keep)
            self._keep.clear()
            for key in list(self.poller.get_map().values()):
                try:
                    self.poller.unregister(key.fileobj)
                except (KeyError, ValueError, OSError):
                    pass
        for conn in idle:
            self.nr_conns -= 1
            conn.close()
