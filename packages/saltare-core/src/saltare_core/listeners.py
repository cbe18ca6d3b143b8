"""Listening sockets for Engine.add_listener (both backends use these).

The engine accepts on the sockets it is given and never closes them: the
caller creates them (here or elsewhere), keeps them, and closes them.
"""

import os
import socket
import stat

SD_LISTEN_FDS_START = 3


def tcp(host: str = "127.0.0.1", port: int = 0, *, backlog: int = 2048, reuse_port: bool = False,
        v6only: bool = True) -> socket.socket:
    """A TCP listener on host:port (IPv6 when host contains ':'; IPV6_V6ONLY
    unless v6only=False). reuse_port sets SO_REUSEPORT, so that several
    workers can each bind their own socket to the same port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
        sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def unix(path: str, *, backlog: int = 2048, mode: int | None = None) -> socket.socket:
    """A Unix-domain listener. A stale socket file at `path` is removed first
    (any other kind of file is left alone and binding fails); close it with
    close_unix() to unlink the file again."""
    try:
        if stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
        if mode is not None:
            os.chmod(path, mode)
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def refuse(sock: socket.socket) -> None:
    """Stop listening on `sock` in every process that shares it: from now
    on connecting is refused (close() would not do it while another
    process, a pre-fork master or a worker, still holds a copy). TCP resets
    the connections not yet accepted at once; a Unix socket keeps them
    queued until its last copy is closed. The socket object stays open: close it as
    usual. Engines that still accept on it must stop first (shutdown()),
    or they find it readable and accept() failing until they do."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already shut down, or never listened
        pass


def close_unix(sock: socket.socket) -> None:
    """Close a listener made by unix() and unlink its socket file."""
    path = sock.getsockname()
    sock.close()
    if path:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def inherited(fd: int) -> socket.socket:
    """A listening socket inherited as an fd (the socket object owns it)."""
    sock = socket.socket(fileno=fd)
    sock.setblocking(False)
    return sock


def systemd_sockets() -> list[socket.socket]:
    """The sockets passed by systemd socket activation (LISTEN_FDS, for this
    process per LISTEN_PID), or [] when there are none."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return []
    count = int(os.environ.get("LISTEN_FDS", "0"))
    return [inherited(fd) for fd in range(SD_LISTEN_FDS_START, SD_LISTEN_FDS_START + count)]
