#!/usr/bin/env python3
"""Start the real PostgreSQL, Redis and Kafka that Linli's integration tests use (stdlib only).

    python3 deploy/local/infra.py up [postgres] [redis] [kafka]   # no names = all; prints `export` lines
    python3 deploy/local/infra.py down [NAME...]                  # stops what this script started
    python3 deploy/local/infra.py status [NAME...]                # exit 0 only if all named are healthy
    python3 deploy/local/infra.py restart NAME [NAME...]          # stop + start, data kept

`eval "$(python3 deploy/local/infra.py up)"` sets the LINLI_TEST_* variables; progress goes to stderr.
Importable: up(names) -> {env var: value}, down(names), restart(name), status(names).

Missing software is installed on the fly (apt-get as root; Kafka jars from Maven Central into
~/.cache/linli/kafka-<version>/). Runtime state (data, logs, pid files) lives in /var/tmp/linli-infra
(LINLI_INFRA_STATE_DIR overrides, LINLI_CACHE_DIR moves the jar cache, LINLI_KAFKA_VERSION the broker).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import hashlib
import hmac
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
PG_PORT = 55432
REDIS_PORT = 56379
KAFKA_PORT = 59092
KAFKA_CONTROLLER_PORT = 59093
PG_ADMIN = "linli_admin"
PG_OS_USER = "postgres"
KAFKA_VERSION = os.environ.get("LINLI_KAFKA_VERSION", "4.2.2")
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

IS_ROOT = os.geteuid() == 0
STATE_DIR = Path(
    os.environ.get("LINLI_INFRA_STATE_DIR")
    or ("/var/tmp/linli-infra" if IS_ROOT else f"/var/tmp/linli-infra-{os.getuid()}")
)
CACHE_DIR = Path(os.environ.get("LINLI_CACHE_DIR") or Path.home() / ".cache" / "linli")
PG_DIR = STATE_DIR / "postgres"
PG_DATA = PG_DIR / "data"
REDIS_DIR = STATE_DIR / "redis"
KAFKA_DIR = STATE_DIR / "kafka"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class InfraError(RuntimeError):
    """A service could not be installed, started or stopped; the message says why."""


@dataclass(frozen=True)
class Service:
    name: str
    env_var: str
    env_value: str
    ports: tuple[int, ...]
    pidfile: Path
    marker: str  # must occur in /proc/<pid>/cmdline, so a recycled pid is never mistaken for ours
    logfile: Path
    probe: Callable[[], bool]
    start: Callable[[], None]
    stop_signal: signal.Signals
    stop_timeout: float


def log(message: str) -> None:
    sys.stderr.write(f"[infra] {message}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------- process helpers


def _run(
    cmd: Sequence[str | Path],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    start_new_session: bool = False,
) -> str:
    """Run a command quietly; on failure raise with its output's tail (stdout stays clean for exports)."""
    args = [str(c) for c in cmd]
    proc = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        start_new_session=start_new_session,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if proc.returncode != 0:
        raise InfraError(f"`{shlex.join(args)}` failed (exit {proc.returncode}):\n{_tail_text(proc.stdout)}")
    return proc.stdout


def _tail_text(text: str, lines: int = 30) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return _tail_text(path.read_text(errors="replace"), lines)
    except OSError:
        return f"(no log at {path})"


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=SYSTEM_PATH)


def _pid_of(service: Service) -> int | None:
    """The pid from the service's pid file if that process is alive and really is the service."""
    try:
        pid = int(service.pidfile.read_text().split()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError, IndexError):
        return None
    return pid if service.marker.encode() in cmdline else None


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
        return True
    return False


def _spawn(service: Service, cmd: Sequence[str | Path], logfile: Path, cwd: Path) -> int:
    """Start a server detached from the caller, write its pid file and return its pid.

    `sh -c '... &'` in a new session hands the server to init at once: it outlives the caller, and a
    long-lived caller (pytest) never owns it, so no zombie and no "subprocess still running" warning.
    """
    script = '"$@" >>"$0" 2>&1 </dev/null & echo $!'
    pid = int(_run(["sh", "-c", script, logfile, *cmd], cwd=cwd, start_new_session=True))
    service.pidfile.write_text(f"{pid}\n")
    return pid


def _wait_ready(
    service: Service, alive: Callable[[], bool], timeout: float, ready: Callable[[], bool] | None = None
) -> None:
    check = ready or service.probe
    deadline = time.monotonic() + timeout
    while not check():
        if not alive():
            raise InfraError(
                f"{service.name} exited while starting; last log lines ({service.logfile}):\n"
                f"{_tail(service.logfile)}"
            )
        if time.monotonic() > deadline:
            raise InfraError(
                f"{service.name} not ready after {timeout:.0f}s; last log lines "
                f"({service.logfile}):\n{_tail(service.logfile)}"
            )
        time.sleep(0.2)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("connection closed")
        data += chunk
    return data


# --------------------------------------------------------------------------- installation

_apt_updated = False


def _apt_install(packages: Sequence[str], what: str) -> None:
    global _apt_updated
    if not IS_ROOT or not _which("apt-get"):
        raise InfraError(
            f"{what} is not installed and cannot be installed here (needs root and apt-get); "
            f"install the Debian package(s) {' '.join(packages)} or put {what} on PATH"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        log("apt-get update")
        _run(["apt-get", "update", "-q"], env=env)
        _apt_updated = True
    log(f"apt-get install {' '.join(packages)}")
    _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], env=env)


# --------------------------------------------------------------------------- PostgreSQL


def _pg_bindir() -> Path | None:
    """Highest /usr/lib/postgresql/<major>/bin, else wherever pg_ctl on PATH really lives."""
    versions = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")]
    if versions:
        return max(versions, key=lambda b: int(b.parent.name) if b.parent.name.isdigit() else 0)
    pg_ctl = _which("pg_ctl")
    return Path(pg_ctl).resolve().parent if pg_ctl else None


def _pg_tools() -> tuple[Path, Path]:
    bindir = _pg_bindir()
    if bindir is None:
        _apt_install(["postgresql"], "PostgreSQL")
        bindir = _pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        raise InfraError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    return bindir / "initdb", bindir / "pg_ctl"


def _as_pg(cmd: Sequence[str | Path]) -> list[str | Path]:
    """initdb and postgres refuse to run as root: drop to the postgres OS user when we are root."""
    return ["runuser", "-u", PG_OS_USER, "--", *cmd] if IS_ROOT else list(cmd)


def _chown_pg(*paths: Path) -> None:
    if IS_ROOT:
        user = pwd.getpwnam(PG_OS_USER)
        for path in paths:
            os.chown(path, user.pw_uid, user.pw_gid)


def _pg_init(initdb: Path) -> None:
    if IS_ROOT:
        try:
            pwd.getpwnam(PG_OS_USER)
        except KeyError:
            raise InfraError(
                f"OS user {PG_OS_USER!r} missing (the Debian postgresql package creates it)"
            ) from None
    shutil.rmtree(PG_DATA, ignore_errors=True)  # leftovers of an interrupted initdb
    pwfile = PG_DIR / "pwfile"
    pwfile.write_text(PG_ADMIN + "\n")
    pwfile.chmod(0o600)
    _chown_pg(PG_DIR, pwfile)
    log(f"postgres: initdb {PG_DATA}")
    try:
        # The bootstrap superuser *is* linli_admin, so no SQL client is needed to create it.
        options: list[str | Path] = ["-D", PG_DATA, "-U", PG_ADMIN, f"--pwfile={pwfile}", "-E", "UTF8"]
        options += ["--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256"]
        _run(_as_pg([initdb, *options]), cwd=PG_DIR)
    finally:
        pwfile.unlink(missing_ok=True)
    with (PG_DATA / "postgresql.conf").open("a") as conf:
        conf.write("\ninclude = 'linli.conf'\n")
    (PG_DATA / "pg_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n"
    )
    (PG_DATA / "linli.initialized").touch()


def _pg_start() -> None:
    initdb, pg_ctl = _pg_tools()
    PG_DIR.mkdir(parents=True, exist_ok=True)
    rundir = PG_DIR / "run"
    rundir.mkdir(exist_ok=True)
    _chown_pg(PG_DIR, rundir)
    if not (PG_DATA / "linli.initialized").exists():
        _pg_init(initdb)
    settings = {
        "listen_addresses": f"'{HOST}'",
        "port": PG_PORT,
        "unix_socket_directories": f"'{rundir}'",
        "max_connections": 200,
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "password_encryption": "'scram-sha-256'",
    }
    linli_conf = PG_DATA / "linli.conf"
    linli_conf.write_text("".join(f"{key} = {value}\n" for key, value in settings.items()))
    _chown_pg(linli_conf)
    logfile = PG_DIR / "postgres.log"
    _run(_as_pg([pg_ctl, "-D", PG_DATA, "-l", logfile, "-w", "-t", "90", "start"]), cwd=PG_DIR)
    _wait_ready(SERVICES["postgres"], alive=lambda: _pid_of(SERVICES["postgres"]) is not None, timeout=30)


def _pg_message(sock: socket.socket) -> tuple[bytes, bytes]:
    head = _recv_exact(sock, 5)
    return head[:1], _recv_exact(sock, struct.unpack("!i", head[1:])[0] - 4)


def _pg_send(sock: socket.socket, kind: bytes, payload: bytes) -> None:
    sock.sendall(kind + struct.pack("!i", len(payload) + 4) + payload)


def _pg_login(sock: socket.socket) -> bool:
    """Full SCRAM-SHA-256 login as the admin: proves the server accepts connections *and* our credentials."""
    params = f"user\0{PG_ADMIN}\0database\0postgres\0\0".encode()
    sock.sendall(struct.pack("!ii", len(params) + 8, 196608) + params)
    nonce = base64.b64encode(os.urandom(18)).decode()
    client_first = f"n=,r={nonce}"
    while True:
        kind, body = _pg_message(sock)
        if kind == b"Z":  # ReadyForQuery
            return True
        if kind == b"E":  # e.g. "the database system is starting up"
            return False
        if kind != b"R":
            continue
        code = struct.unpack("!i", body[:4])[0]
        if code == 10:  # AuthenticationSASL
            first = f"n,,{client_first}".encode()
            _pg_send(sock, b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", len(first)) + first)
        elif code == 11:  # AuthenticationSASLContinue
            server_first = body[4:].decode()
            attrs = dict(item.split("=", 1) for item in server_first.split(","))
            if not attrs["r"].startswith(nonce):
                return False
            salted = hashlib.pbkdf2_hmac(
                "sha256", PG_ADMIN.encode(), base64.b64decode(attrs["s"]), int(attrs["i"])
            )
            client_key = hmac.digest(salted, b"Client Key", "sha256")
            without_proof = f"c=biws,r={attrs['r']}"
            auth_message = f"{client_first},{server_first},{without_proof}".encode()
            signature = hmac.digest(hashlib.sha256(client_key).digest(), auth_message, "sha256")
            proof = base64.b64encode(
                bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
            ).decode()
            _pg_send(sock, b"p", f"{without_proof},p={proof}".encode())
        elif code not in (0, 12):  # 0 = AuthenticationOk, 12 = SASLFinal; anything else is not our pg_hba
            return False


def _pg_probe() -> bool:
    try:
        with socket.create_connection((HOST, PG_PORT), timeout=3) as sock:
            ok = _pg_login(sock)
            with contextlib.suppress(OSError):
                _pg_send(sock, b"X", b"")  # Terminate, so the server logs no "unexpected EOF"
            return ok
    except (OSError, ValueError, KeyError, struct.error):
        return False


# --------------------------------------------------------------------------- Redis


def _redis_start() -> None:
    binary = _which("redis-server")
    if binary is None:
        _apt_install(["redis-server"], "redis-server")
        binary = _which("redis-server")
    if binary is None:
        raise InfraError("redis-server not found after installing it")
    (REDIS_DIR / "data").mkdir(parents=True, exist_ok=True)
    conf = REDIS_DIR / "redis.conf"
    conf.write_text(
        f"bind {HOST}\nport {REDIS_PORT}\nprotected-mode yes\n"
        # Not daemonized by redis itself: _spawn detaches it, and knowing its pid at once lets the
        # start-up wait notice an early exit (redis only writes its pid file once it listens).
        "daemonize no\n"
        f"pidfile {REDIS_DIR / 'redis.pid'}\nlogfile {REDIS_DIR / 'redis.log'}\ndir {REDIS_DIR / 'data'}\n"
        'appendonly yes\nappendfsync everysec\nsave ""\n'
    )
    service = SERVICES["redis"]
    pid = _spawn(service, [binary, conf], REDIS_DIR / "redis.log", cwd=REDIS_DIR)
    _wait_ready(service, alive=lambda: _pid_of(service) == pid, timeout=30)


def _redis_probe() -> bool:
    try:
        with socket.create_connection((HOST, REDIS_PORT), timeout=2) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return _recv_exact(sock, 7) == b"+PONG\r\n"  # "-LOADING ..." while the AOF is replayed
    except OSError:
        return False


# --------------------------------------------------------------------------- Kafka

KAFKA_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>linli.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""

KAFKA_LOG4J2 = """<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <File name="server" fileName="${sys:kafka.logs.dir}/server.log" append="true">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="kafka.log.LogCleaner" level="WARN"/>
    <Root level="INFO"><AppenderRef ref="server"/></Root>
  </Loggers>
</Configuration>
"""

KAFKA_STARTED_LINE = "Kafka Server started"


def _kafka_jars() -> Path:
    """Kafka's runtime jars plus the log4j2 SLF4J 1.7 binding, fetched once with Maven and then reused."""
    home = CACHE_DIR / f"kafka-{KAFKA_VERSION}"
    jars = home / "jars"
    if (jars / ".complete").exists():
        return jars
    mvn = _which("mvn")
    if mvn is None:
        _apt_install(["maven"], "Maven")
        mvn = _which("mvn")
    if mvn is None:
        raise InfraError("mvn not found after installing it")
    home.mkdir(parents=True, exist_ok=True)
    pom = home / "pom.xml"
    pom.write_text(KAFKA_POM.format(version=KAFKA_VERSION))
    partial = home / "jars.partial"
    shutil.rmtree(partial, ignore_errors=True)
    log(f"kafka: fetching kafka_2.13:{KAFKA_VERSION} and its runtime dependencies from Maven Central")
    started = time.monotonic()
    mvn_cmd: list[str | Path] = [mvn, "-B", "-q", "-f", pom]
    _run(
        [
            *mvn_cmd,
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={partial}",
        ],
        cwd=home,
    )
    # Kafka 4 logs through SLF4J 1.7 but ships no binding; use log4j's, at the log4j-core version Kafka chose.
    cores = [
        m for p in partial.glob("log4j-core-*.jar") if (m := re.fullmatch(r"log4j-core-(.+)\.jar", p.name))
    ]
    if not cores:
        raise InfraError(f"no log4j-core among the dependencies of kafka_2.13:{KAFKA_VERSION}")
    _run(
        [
            *mvn_cmd,
            f"{DEPENDENCY_PLUGIN}:copy",
            f"-Dartifact=org.apache.logging.log4j:log4j-slf4j-impl:{cores[0].group(1)}",
            f"-DoutputDirectory={partial}",
        ],
        cwd=home,
    )
    (partial / ".complete").touch()
    shutil.rmtree(jars, ignore_errors=True)
    partial.rename(jars)
    log(f"kafka: fetched {len(list(jars.glob('*.jar')))} jars in {time.monotonic() - started:.1f}s -> {jars}")
    return jars


def _java_major(java: str) -> int:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return 0
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return 0
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidates = [
        os.environ.get("LINLI_JAVA"),
        f"{java_home}/bin/java" if java_home else None,
        _which("java"),
        *sorted(str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java")),
    ]
    for java in candidates:
        if java and Path(java).exists() and _java_major(java) >= 17:
            return java
    _apt_install(["openjdk-17-jre-headless"], "Java 17+")
    java = _which("java")
    if java is None or _java_major(java) < 17:
        raise InfraError("Kafka 4 needs Java 17+, none found")
    return java


def _kafka_properties() -> str:
    props = {
        "process.roles": "broker,controller",
        "node.id": 1,
        "controller.quorum.voters": f"1@{HOST}:{KAFKA_CONTROLLER_PORT}",
        "listeners": f"PLAINTEXT://{HOST}:{KAFKA_PORT},CONTROLLER://{HOST}:{KAFKA_CONTROLLER_PORT}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{KAFKA_PORT}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": KAFKA_DIR / "data",
        "num.partitions": 3,
        "auto.create.topics.enable": "false",
        "offsets.topic.replication.factor": 1,
        "offsets.topic.num.partitions": 10,
        "transaction.state.log.replication.factor": 1,
        "transaction.state.log.min.isr": 1,
        "transaction.state.log.num.partitions": 10,
        "share.coordinator.state.topic.replication.factor": 1,
        "share.coordinator.state.topic.min.isr": 1,
        "group.initial.rebalance.delay.ms": 0,
        "num.io.threads": 4,
        "num.network.threads": 2,
    }
    return "".join(f"{key}={value}\n" for key, value in props.items())


def _cluster_id() -> str:
    """A Kafka Uuid string (url-safe base64 of 16 bytes), never starting with '-', which the CLI misreads."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


KAFKA_JVM_OPTIONS = [
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
]


def _kafka_start() -> None:
    jars = _kafka_jars()
    java = _java()
    KAFKA_DIR.mkdir(parents=True, exist_ok=True)
    properties = KAFKA_DIR / "server.properties"
    properties.write_text(_kafka_properties())
    log4j2 = KAFKA_DIR / "log4j2.xml"
    log4j2.write_text(KAFKA_LOG4J2)
    classpath = [
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={log4j2}",
        f"-Dkafka.logs.dir={KAFKA_DIR}",
        "-cp",
        f"{jars}/*",
    ]
    data = KAFKA_DIR / "data"
    if not (data / "meta.properties").exists():
        shutil.rmtree(data, ignore_errors=True)
        log(f"kafka: formatting {data}")
        storage_tool = [java, *classpath, "kafka.tools.StorageTool"]
        _run([*storage_tool, "format", "-t", _cluster_id(), "-c", properties], cwd=KAFKA_DIR)
    server_log = KAFKA_DIR / "server.log"
    if server_log.exists():
        server_log.replace(KAFKA_DIR / "server.log.1")  # readiness looks for this start's "started" line only
    server_log.touch()
    service = SERVICES["kafka"]
    launched = time.monotonic()
    cmd: list[str | Path] = [java, *KAFKA_JVM_OPTIONS, *classpath, "kafka.Kafka", properties]
    pid = _spawn(service, cmd, KAFKA_DIR / "stdout.log", cwd=KAFKA_DIR)

    def ready() -> bool:
        return KAFKA_STARTED_LINE in server_log.read_text(errors="replace") and _kafka_probe()

    _wait_ready(service, alive=lambda: _pid_of(service) == pid, timeout=180, ready=ready)
    log(f"kafka: broker served metadata {time.monotonic() - launched:.1f}s after launch")


def _kafka_call(sock: socket.socket, api_key: int, version: int, body: bytes, correlation: int) -> bytes:
    client_id = b"linli-infra"
    request = struct.pack("!hhih", api_key, version, correlation, len(client_id)) + client_id + body
    sock.sendall(struct.pack("!i", len(request)) + request)
    response = _recv_exact(sock, struct.unpack("!i", _recv_exact(sock, 4))[0])
    if struct.unpack("!i", response[:4])[0] != correlation:
        raise ValueError("correlation id mismatch")
    return response[4:]


def _kafka_probe() -> bool:
    """ApiVersions, then Metadata v4 (oldest version Kafka 4 serves): ready once our broker lists itself.

    The broker only processes client requests after it has caught up with the metadata log and been
    unfenced, so an answered metadata request naming node 1 means clients can really use it.
    """
    try:
        with socket.create_connection((HOST, KAFKA_PORT), timeout=3) as sock:
            sock.settimeout(3)
            versions = _kafka_call(sock, 18, 0, b"", 1)
            error, count = struct.unpack_from("!hi", versions)
            if error:
                return False
            ranges = {
                key: (low, high) for key, low, high in struct.iter_unpack("!hhh", versions[6 : 6 + 6 * count])
            }
            low, high = ranges.get(3, (0, -1))
            if not low <= 4 <= high:
                return True  # a future broker without Metadata v4: answering ApiVersions has to do
            metadata = _kafka_call(sock, 3, 4, struct.pack("!i?", -1, False), 2)
            return _metadata_lists_us(metadata)
    except (OSError, ValueError, struct.error):
        return False


def _metadata_lists_us(metadata: bytes) -> bool:
    (brokers,) = struct.unpack_from("!i", metadata, 4)  # after throttle_time_ms
    offset = 8
    for _ in range(brokers):
        node_id, host_len = struct.unpack_from("!ih", metadata, offset)
        offset += 6 + host_len
        port, rack_len = struct.unpack_from("!ih", metadata, offset)
        offset += 6 + max(rack_len, 0)
        if node_id == 1 and port == KAFKA_PORT:
            return True
    return False


# --------------------------------------------------------------------------- orchestration

SERVICES: dict[str, Service] = {
    "postgres": Service(
        "postgres",
        "LINLI_TEST_POSTGRES_ADMIN_URL",
        f"postgresql://{PG_ADMIN}:{PG_ADMIN}@{HOST}:{PG_PORT}/postgres",
        (PG_PORT,),
        PG_DATA / "postmaster.pid",
        "postgres",
        PG_DIR / "postgres.log",
        _pg_probe,
        _pg_start,
        signal.SIGINT,
        60,  # SIGINT = "fast" shutdown
    ),
    "redis": Service(
        "redis",
        "LINLI_TEST_REDIS_URL",
        f"redis://{HOST}:{REDIS_PORT}/0",
        (REDIS_PORT,),
        REDIS_DIR / "redis.pid",
        "redis-server",
        REDIS_DIR / "redis.log",
        _redis_probe,
        _redis_start,
        signal.SIGTERM,
        30,
    ),
    "kafka": Service(
        "kafka",
        "LINLI_TEST_KAFKA_BOOTSTRAP",
        f"{HOST}:{KAFKA_PORT}",
        (KAFKA_PORT, KAFKA_CONTROLLER_PORT),
        KAFKA_DIR / "kafka.pid",
        "kafka.Kafka",
        KAFKA_DIR / "server.log",
        _kafka_probe,
        _kafka_start,
        signal.SIGTERM,
        60,
    ),
}


def _select(names: Iterable[str]) -> list[Service]:
    wanted = list(dict.fromkeys(names)) or list(SERVICES)
    unknown = [n for n in wanted if n not in SERVICES]
    if unknown:
        raise InfraError(f"unknown service(s) {', '.join(unknown)}; choose from {', '.join(SERVICES)}")
    return [SERVICES[n] for n in wanted]


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """Serialise concurrent callers (e.g. several pytest-xdist workers calling up())."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    if IS_ROOT:
        STATE_DIR.chmod(0o755)  # the postgres OS user must reach its directory below
    with (STATE_DIR / "infra.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _start(service: Service) -> None:
    busy = [p for p in service.ports if _port_open(p)]
    if busy:
        raise InfraError(
            f"{service.name}: port(s) {', '.join(map(str, busy))} on {HOST} are held by a process "
            "this script did not start; stop it or free the port"
        )
    log(f"{service.name}: starting")
    started = time.monotonic()
    service.start()
    log(f"{service.name}: ready in {time.monotonic() - started:.1f}s")


def _stop(service: Service) -> bool:
    pid = _pid_of(service)
    if pid is None:
        return False
    log(f"{service.name}: stopping pid {pid}")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, service.stop_signal)
    deadline = time.monotonic() + service.stop_timeout
    while _pid_of(service) == pid and time.monotonic() < deadline:
        time.sleep(0.1)
    if _pid_of(service) == pid:
        log(f"{service.name}: still running after {service.stop_timeout:.0f}s, killing it")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        while _pid_of(service) == pid:
            time.sleep(0.1)
    if service.name != "postgres":  # postgres removes (or on next start ignores) its own postmaster.pid
        service.pidfile.unlink(missing_ok=True)
    return True


def _ensure_up(service: Service) -> None:
    pid = _pid_of(service)
    if pid is not None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if service.probe():
                log(f"{service.name}: already running (pid {pid}), reusing it")
                return
            time.sleep(0.5)
        log(f"{service.name}: pid {pid} is not answering, restarting it")
        _stop(service)
    _start(service)


def up(names: Iterable[str] = ()) -> dict[str, str]:
    """Make the named services (default: all) run and answer; return {env var: value} for the tests."""
    services = _select(names)
    with _locked():
        for service in services:
            _ensure_up(service)
    return {s.env_var: s.env_value for s in services}


def down(names: Iterable[str] = ()) -> None:
    """Stop the named services (default: all) that this script started; data and caches stay."""
    services = _select(names)
    with _locked():
        for service in reversed(services):
            if not _stop(service):
                log(f"{service.name}: not running")


def restart(name: str) -> dict[str, str]:
    """Stop and start one service, keeping its data (reliability tests bounce brokers with this)."""
    (service,) = _select([name])
    with _locked():
        started = time.monotonic()
        _stop(service)
        _start(service)
        log(f"{service.name}: restarted in {time.monotonic() - started:.1f}s")
    return {service.env_var: service.env_value}


def status(names: Iterable[str] = ()) -> dict[str, str]:
    """{service: state}, state being 'running', 'unhealthy', 'stopped' or 'port busy (not ours)'."""
    result = {}
    for service in _select(names):
        pid = _pid_of(service)
        if pid is not None:
            result[service.name] = "running" if service.probe() else "unhealthy"
        else:
            result[service.name] = (
                "port busy (not ours)" if any(map(_port_open, service.ports)) else "stopped"
            )
    return result


def _exports(env: dict[str, str]) -> str:
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    for command in ("up", "down", "status"):
        commands.add_parser(command).add_argument(
            "names", nargs="*", metavar="NAME", help="postgres|redis|kafka"
        )
    commands.add_parser("restart").add_argument(
        "names", nargs="+", metavar="NAME", help="postgres|redis|kafka"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            sys.stdout.write(_exports(up(args.names)))
        elif args.command == "down":
            down(args.names)
        elif args.command == "restart":
            env: dict[str, str] = {}
            for name in dict.fromkeys(args.names):
                env |= restart(name)
            sys.stdout.write(_exports(env))
        else:
            states = status(args.names)
            for name, state in states.items():
                service = SERVICES[name]
                sys.stdout.write(f"{name:9} {state:10} {service.env_var}={service.env_value}\n")
            return 0 if all(state == "running" for state in states.values()) else 1
    except InfraError as error:
        sys.stderr.write(f"infra.py: error: {error}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
