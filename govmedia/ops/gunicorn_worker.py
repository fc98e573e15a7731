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
import selectors
import time
from concurrent import futures

from gunicorn.workers.gthread import ThreadWorker

DRAIN_SECONDS = 2.0


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

    def drain(self) -> None:
        """Stop accepting; answer what arrives on the connections held, then close the idle ones."""
        with self._lock:
            for sock in self.sockets:
                try:
                    self.poller.unregister(sock)
                except (KeyError, ValueError, OSError):
                    pass
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline and self.is_parent_alive():
            waiting = [key for key in self.poller.get_map().values()]
            if not waiting and not self.futures:
                break
            for key, _ in self.poller.select(0.05):
                key.data(key.fileobj)  # read and answered; not kept alive (self.alive is False)
            done = [fut for fut in self.futures if fut.done()]
            for fut in done:
                self.futures.remove(fut)
            self.notify()
        with self._lock:
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
