"""gunicorn's gthread worker that keeps the keep-alive it promised when it stops (issue 32).

When a gthread worker stops — recycled after `max_requests`, or told to by a graceful reload
(`kill -HUP` of the master) or stop (`kill -TERM`) — gunicorn 23 breaks a promise: a request
handled on another thread while the worker was still alive was answered *without*
`Connection: close` (the client may send its next request on that connection at once), yet when
the response is finished the worker, no longer alive, closes the connection. The client's next
request meets a closed socket (a reset, "connection aborted"): 3 of 994 requests in the issue's
50-connection run. The same happens to requests already waiting on kept-alive connections or on
connections just accepted: the poller is closed and they are never read.

This worker, once it stops:
- stops accepting (its listening sockets leave the poller; the other workers take new connections);
- keeps every connection whose last response promised keep-alive, and answers the next request
  on it — with `Connection: close`, so the client opens its next connection elsewhere;
- drains: serves what arrives on the connections it holds until none is held, or for at most
  GUNICORN_DRAIN_SECONDS (idle connections are closed then: a client that stays silent that long
  after a response is idle, and the balancer's retry covers the residual race of HTTP keep-alive).
Loaded by gunicorn.conf.py (`worker_class`); decision records 0057 and 0061.
"""
import os
import selectors
import time
from concurrent import futures
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

DRAIN_SECONDS = float(os.environ.get("GUNICORN_DRAIN_SECONDS", "10"))  # at most, for idle connections


class DrainingThreadWorker(ThreadWorker):
    _swept = False  # set once the drain has closed what it held: nothing is kept after it
    # Requests submitted whose finish_request has not yet run. A future is `done()` just *before*
    # its callback hands the connection back: counting the futures would let the drain end in
    # between and close a connection that was promised keep-alive.
    _in_flight = 0

    def enqueue_req(self, conn):
        with self._lock:
            self._in_flight += 1
        try:
            super().enqueue_req(conn)
        except BaseException:
            with self._lock:
                self._in_flight -= 1
            raise

    def run(self):
        for sock in self.sockets:
            sock.setblocking(False)
            server = sock.getsockname()
            self.poller.register(sock, selectors.EVENT_READ, partial(self.accept, server))
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

    def finish_request(self, fs):
        """Called on the request's thread when its response is sent. gunicorn closes the connection
        when the worker is no longer alive, even though the response promised keep-alive; here it is
        kept (for the drain to answer its next request) until the drain's final sweep."""
        try:
            self._finish(fs)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _finish(self, fs):
        if fs.cancelled():
            self.nr_conns -= 1
            fs.conn.close()
            return
        try:
            keepalive, conn = fs.result()
        except Exception:  # noqa: BLE001 - gunicorn's own handling: the connection is closed
            self.nr_conns -= 1
            fs.conn.close()
            return
        with self._lock:
            if keepalive and not self._swept:
                conn.sock.setblocking(False)
                conn.set_timeout()
                self._keep.append(conn)
                self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_client_socket_readable, conn))
                return
        self.nr_conns -= 1
        conn.close()

    def drain(self) -> None:
        """Stop accepting; answer what arrives on the connections held (each answer closes its
        connection), wait for the requests in flight (their connections come back if promised),
        and end once nothing is held, or after DRAIN_SECONDS for connections that stay idle."""
        with self._lock:
            for sock in self.sockets:
                try:
                    self.poller.unregister(sock)
                except (KeyError, ValueError, OSError):
                    pass
        idle_deadline = time.monotonic() + DRAIN_SECONDS
        hard_deadline = time.monotonic() + max(self.cfg.graceful_timeout - 1, DRAIN_SECONDS)
        while self.is_parent_alive():
            for key, _ in self.poller.select(0.05):
                key.data(key.fileobj)  # read and answered with Connection: close (alive is False)
            for fut in [fut for fut in self.futures if fut.done()]:
                self.futures.remove(fut)
            with self._lock:
                held = bool(self.poller.get_map()) or bool(self._keep)
                in_flight = self._in_flight
            now = time.monotonic()
            if in_flight:  # a request in flight: its connection may come back promised
                if now > hard_deadline:
                    break
            elif not held or now > idle_deadline:
                break
            self.notify()
        with self._lock:
            if self._in_flight:  # past the deadline: what finishes now is closed (already Connection: close)
                self.log.warning("worker stops with %s request(s) still running", self._in_flight)
            self._swept = True
            self._keep.clear()
            # Every connection still registered: kept ones, and accepted ones that sent nothing.
            idle = [key.data.args[0] for key in list(self.poller.get_map().values())]
            for conn in idle:
                try:
                    self.poller.unregister(conn.sock)
                except (KeyError, ValueError, OSError):
                    pass
        for conn in idle:
            self.nr_conns -= 1
            conn.close()
