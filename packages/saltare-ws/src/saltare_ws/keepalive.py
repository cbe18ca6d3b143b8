"""When to ping, and when to give up on a silent peer. Sans-IO: the caller
passes its own clock readings (e.g. loop.time()) and writes the ping itself."""


class Keepalive:
    """Any bytes from the peer prove it alive. After `interval` seconds of
    silence a ping is due; `timeout` seconds after that ping, still without a
    byte, the peer is dead (close the transport; the code to report is 1006).

        if keepalive.ping_due(now):
            transport.write(conn.ping()); keepalive.ping_sent(now)
        elif keepalive.peer_dead(now):
            transport.close()
        call_at(keepalive.next_check(), ...)
    """

    __slots__ = ("interval", "timeout", "_last_received", "_ping_sent_at")

    def __init__(self, interval: float = 20.0, timeout: float = 20.0, now: float = 0.0) -> None:
        self.interval = interval
        self.timeout = timeout
        self._last_received = now
        self._ping_sent_at = None

    def received(self, now: float) -> None:
        """The peer sent something (call it with every receive_data)."""
        self._last_received = now
        self._ping_sent_at = None

    def ping_sent(self, now: float) -> None:
        self._ping_sent_at = now

    def ping_due(self, now: float) -> bool:
        return self._ping_sent_at is None and now - self._last_received >= self.interval

    def peer_dead(self, now: float) -> bool:
        return self._ping_sent_at is not None and now - self._ping_sent_at >= self.timeout

    def next_check(self) -> float:
        """The clock reading at which ping_due or peer_dead may turn true."""
        if self._ping_sent_at is None:
            return self._last_received + self.interval
        return self._ping_sent_at + self.timeout
