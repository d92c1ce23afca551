"""The `scaigate` command: tokens, the schema and OpenAPI documents, seeding, the served app."""

from __future__ import annotations

import asyncio
import gc
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import jwt
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner, Result

from core.principals import Principal, Role
from core.settings import Settings, get_settings
from db.base import utcnow
from db.engine import create_engine
from db.enums import ApplicationLevel, ApplicationType
from db.models import Application, Group, GroupMember, GroupNesting, Partner, Tenant, User
from gateway.cli import app
from gateway.cli_serve import tuned_app
from gateway.tokens import verify_token
from tests.databases import fresh_database
from tests.factories import create_partner, create_tenant

SIGNING_KEY = "cli-test-signing-key-0123456789-abcdefghij"
Sessions = async_sessionmaker[AsyncSession]


def scaigate(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        app, list(args), env={"SCAIGATE_JWT_SIGNING_KEY": SIGNING_KEY, **(env or {})}
    )


def plain(text: str) -> str:
    """CLI output without the error box drawing and line wrapping."""
    return " ".join(text.replace("│", " ").split())


async def token_in_thread(url: str, *args: str) -> Result:
    # The command runs its own event loop, which cannot nest inside the test's.
    return await asyncio.to_thread(scaigate, "token", *args, env={"SCAIGATE_DATABASE_URL": url})


def verified(result: Result) -> tuple[str, Principal]:
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, "token prints the JWT and nothing else"
    settings = Settings(jwt_signing_key=SIGNING_KEY)
    return lines[0], verify_token(settings, lines[0])


class TestToken:
    def test_super_admin(self) -> None:
        _, principal = verified(scaigate("token", "--role", "super_admin"))

        assert principal.role is Role.SUPER_ADMIN
        assert (principal.partner_id, principal.tenant_id, principal.scopes) == (
            None,
            None,
            frozenset(),
        )

    async def test_partner_admin_of_a_partner(
        self, db: None, sessions: Sessions, database_url: str
    ) -> None:
        partner = await create_partner(sessions)

        _, principal = verified(
            await token_in_thread(database_url, "--role", "partner_admin", "--partner", partner.id)
        )

        assert principal.role is Role.PARTNER_ADMIN
        assert principal.partner_id == partner.id
        assert principal.tenant_id is None

    async def test_tenant_admin_of_a_tenant(
        self, db: None, sessions: Sessions, database_url: str
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        _, principal = verified(
            await token_in_thread(database_url, "--role", "tenant_admin", "--tenant", tenant.id)
        )

        assert principal.role is Role.TENANT_ADMIN
        assert principal.tenant_id == tenant.id

    def test_platform_token_carries_every_scope_given(self) -> None:
        _, principal = verified(
            scaigate("token", "--scope", "admin:read", "--scope", "reports:export")
        )

        assert principal.role is Role.PLATFORM
        assert principal.scopes == frozenset({"admin:read", "reports:export"})

    def test_platform_role_may_be_named(self) -> None:
        _, principal = verified(scaigate("token", "--role", "platform", "--scope", "admin:write"))

        assert principal.scopes == frozenset({"admin:write"})

    def test_lifetime_and_subject(self) -> None:
        token, principal = verified(
            scaigate("token", "--role", "super_admin", "--ttl", "120", "--subject", "usr_ops")
        )

        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 120
        assert principal.subject == "usr_ops"


class TestTokenNamesOnlyLiveOwners:
    async def test_a_partner_that_does_not_exist_is_refused(
        self, db: None, database_url: str
    ) -> None:
        result = await token_in_thread(
            database_url, "--role", "partner_admin", "--partner", "prt_bogus"
        )

        assert result.exit_code == 2
        assert result.stdout == ""
        assert "no partner prt_bogus in the configured database" in result.stderr

    async def test_a_deleted_tenant_is_refused(
        self, db: None, sessions: Sessions, database_url: str
    ) -> None:
        tenant = await create_tenant(
            sessions, partner=await create_partner(sessions), deleted_at=utcnow()
        )

        result = await token_in_thread(
            database_url, "--role", "tenant_admin", "--tenant", tenant.id
        )

        assert result.exit_code == 2
        assert result.stdout == ""
        assert f"no tenant {tenant.id} in the configured database" in result.stderr

    async def test_a_partner_id_is_not_taken_for_a_tenant(
        self, db: None, sessions: Sessions, database_url: str
    ) -> None:
        partner = await create_partner(sessions)

        result = await token_in_thread(
            database_url, "--role", "tenant_admin", "--tenant", "tnt_" + partner.id[4:]
        )

        assert result.exit_code == 2

    def test_without_a_database_it_warns_and_prints_the_token(self, tmp_path: Path) -> None:
        absent = tmp_path / "absent.db"

        result = scaigate(
            "token", "--role", "partner_admin", "--partner", "prt_01abc",
            env={"SCAIGATE_DATABASE_URL": f"sqlite+aiosqlite:///{absent}"},
        )  # fmt: skip

        _, principal = verified(result)
        assert principal.partner_id == "prt_01abc"
        assert "Warning: could not check that prt_01abc exists" in result.stderr
        assert not absent.exists(), "checking must not create a database"

    def test_an_unreachable_database_warns_and_prints_the_token(self) -> None:
        # Port 1 on the loopback: nothing listens there, the connection is refused at once.
        result = scaigate(
            "token", "--role", "tenant_admin", "--tenant", "tnt_01abc",
            env={"SCAIGATE_DATABASE_URL": "postgresql+asyncpg://scaigate@127.0.0.1:1/none"},
        )  # fmt: skip

        _, principal = verified(result)
        assert principal.tenant_id == "tnt_01abc"
        assert "Warning: could not check that tnt_01abc exists" in result.stderr


class TestTokenLifetime:
    def test_a_lifetime_beyond_what_the_gateway_accepts_is_refused(self) -> None:
        result = scaigate(
            "token", "--role", "super_admin", "--ttl", "7200",
            env={"SCAIGATE_JWT_MAX_LIFETIME_SECONDS": "3600"},
        )  # fmt: skip

        assert result.exit_code == 2
        assert result.stdout == ""
        assert "at most 3600 seconds" in result.stderr

    def test_the_longest_accepted_lifetime_is_minted_and_verifies(self) -> None:
        result = scaigate(
            "token", "--role", "super_admin", "--ttl", "3600",
            env={"SCAIGATE_JWT_MAX_LIFETIME_SECONDS": "3600"},
        )  # fmt: skip

        token, _ = verified(result)

        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 3600


class TestMessagesAreNeverWrapped:
    """Piped output has no terminal width: a message stays on one line however long it is."""

    def test_a_usage_error_naming_a_long_value_is_one_line(self) -> None:
        value = "tnt_" + "x" * 400

        result = scaigate("token", "--role", "partner_admin", "--partner", value)

        assert result.exit_code == 2
        lines = [line for line in result.stderr.splitlines() if value in line]
        assert len(lines) == 1
        assert "expected a prt_… id" in lines[0]

    def test_an_error_about_a_file_at_a_long_path_is_one_line(self, tmp_path: Path) -> None:
        directory = tmp_path.joinpath(*["a-directory-with-a-long-name-" + "d" * 60] * 5)
        directory.mkdir(parents=True)
        file = directory / "bad.graphql"
        file.write_text("query Bad { nope }", encoding="utf-8")

        result = scaigate("operations", "register", str(file))

        assert result.exit_code == 1
        lines = [line for line in result.stderr.splitlines() if str(file) in line]
        assert len(lines) == 1
        assert lines[0].startswith(f"{file}: Cannot query field 'nope' on type 'Query'.")


class TestTokenRejectsBadCombinations:
    @pytest.mark.parametrize(
        ("args", "complaint"),
        [
            ([], "give --role"),
            (["--role", "partner_admin"], "required by --role partner_admin"),
            (["--role", "tenant_admin"], "required by --role tenant_admin"),
            (["--role", "partner_admin", "--partner", "tnt_01abc"], "expected a prt_… id"),
            (["--role", "tenant_admin", "--tenant", "prt_01abc"], "expected a tnt_… id"),
            (["--role", "super_admin", "--partner", "prt_01abc"], "only --role partner_admin"),
            (["--role", "partner_admin", "--partner", "prt_1", "--tenant", "tnt_1"], "--tenant"),
            (["--role", "super_admin", "--scope", "admin:read"], "--scope makes a platform"),
            (["--role", "platform"], "at least one --scope"),
            (["--scope", "admin read"], "without spaces"),
            (["--role", "owner"], "--role"),
            (["--role", "super_admin", "--ttl", "0"], "--ttl"),
        ],
    )
    def test_exits_2_with_a_message(self, args: list[str], complaint: str) -> None:
        result = scaigate("token", *args)

        assert result.exit_code == 2
        assert result.stdout == ""
        assert complaint in plain(result.stderr)

    def test_invalid_configuration_is_named(self) -> None:
        result = scaigate(
            "token", "--role", "super_admin", env={"SCAIGATE_JWT_SIGNING_KEY": "short"}
        )

        assert result.exit_code == 2
        assert "SCAIGATE_JWT_SIGNING_KEY" in plain(result.stderr)


class TestSchemaAndOpenapi:
    def test_schema_prints_the_sdl_with_its_directives(self) -> None:
        result = scaigate("schema")

        assert result.exit_code == 0, result.output
        assert "directive @requiresRole" in result.stdout
        assert "@requiresRole(roles: [" in result.stdout
        assert "type Query" in result.stdout

    def test_openapi_prints_the_rest_paths(self) -> None:
        result = scaigate("openapi")

        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        assert document["info"]["title"] == "ScaiGate"
        assert "/api/v1/admin/tenants" in document["paths"]


@pytest.fixture
async def empty_database_url(db_kind: str, tmp_path: Path) -> AsyncIterator[str]:
    async with fresh_database(db_kind, tmp_path) as url:
        yield url


async def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                model.__tablename__: int(
                    await connection.scalar(select(func.count()).select_from(model)) or 0
                )
                for model in (Partner, Tenant, User, Group, GroupMember, GroupNesting, Application)
            }
    finally:
        await engine.dispose()


async def global_service_applications(url: str) -> dict[str, str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(Application.client_id, Application.client_secret_hash).where(
                    Application.level == ApplicationLevel.GLOBAL.value,
                    Application.app_type == ApplicationType.SERVICE.value,
                )
            )
            return {client_id: secret_hash or "" for client_id, secret_hash in rows}
    finally:
        await engine.dispose()


async def seed_in_thread(url: str, *args: str) -> Result:
    # The command runs its own event loop, which cannot nest inside the test's.
    return await asyncio.to_thread(scaigate, "seed", *args, env={"SCAIGATE_DATABASE_URL": url})


class TestSeed:
    async def test_demo_creates_a_small_realistic_data_set(self, empty_database_url: str) -> None:
        # when
        result = await seed_in_thread(empty_database_url, "--demo")

        # then
        assert result.exit_code == 0, result.output
        counts = await row_counts(empty_database_url)
        assert counts["partners"] == 3
        assert counts["tenants"] == 8
        assert counts["users"] == 8 * 25
        assert counts["groups"] > counts["tenants"]
        assert counts["group_nesting"] > 0
        assert counts["group_members"] >= counts["users"]
        services = await global_service_applications(empty_database_url)
        assert 1 <= len(services) <= 2
        assert counts["applications"] == counts["tenants"] + len(services)

    async def test_demo_prints_platform_secrets_once_and_stores_them_hashed(
        self, empty_database_url: str
    ) -> None:
        result = await seed_in_thread(empty_database_url, "--demo")

        services = await global_service_applications(empty_database_url)
        printed = dict(re.findall(r"client_id=(\S+) client_secret=(\S+)", result.stdout))
        assert printed.keys() == services.keys()
        for client_id, secret in printed.items():
            assert secret not in services[client_id]
            assert PasswordHasher().verify(services[client_id], secret)

    async def test_demo_is_idempotent(self, empty_database_url: str) -> None:
        # given
        first = await seed_in_thread(empty_database_url, "--demo")
        assert first.exit_code == 0, first.output
        before = await row_counts(empty_database_url)

        # when
        again = await seed_in_thread(empty_database_url, "--demo")

        # then
        assert again.exit_code == 0, again.output
        assert "already has 3 partner(s); nothing seeded" in again.stdout
        assert await row_counts(empty_database_url) == before

    async def test_generated_sizes(self, empty_database_url: str) -> None:
        result = await seed_in_thread(
            empty_database_url,
            "--partners", "2", "--tenants-per-partner", "3",
            "--users-per-tenant", "4", "--groups-per-tenant", "5",
        )  # fmt: skip

        assert result.exit_code == 0, result.output
        assert await row_counts(empty_database_url) == {
            "partners": 2,
            "tenants": 6,
            "users": 24,
            "groups": 30,
            "group_members": 24 * 2,
            "group_nesting": 6 * 4,
            "applications": 6 + 1,
        }

    def test_needs_demo_or_sizes(self) -> None:
        result = scaigate("seed")

        assert result.exit_code == 2
        assert "one of --demo, --partners N" in plain(result.stderr)

    def test_takes_one_kind_of_data_set(self) -> None:
        result = scaigate("seed", "--demo", "--users", "10")

        assert result.exit_code == 2
        assert "or --users N (with --audit-events M)" in plain(result.stderr)

    async def test_a_scale_data_set(self, empty_database_url: str) -> None:
        result = await seed_in_thread(
            empty_database_url, "--users", "300", "--audit-events", "700", "--tenants", "3"
        )

        assert result.exit_code == 0, result.output
        assert "300 users" in result.stdout and "700 audit_events" in result.stdout
        counts = await row_counts(empty_database_url)
        assert (counts["partners"], counts["tenants"], counts["users"]) == (2, 3, 300)


class TestServedApp:
    async def test_tuned_app_freezes_start_up_objects_and_schedules_the_collections(
        self, empty_database_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # given
        monkeypatch.setenv("SCAIGATE_DATABASE_URL", empty_database_url)
        thresholds = gc.get_threshold()
        get_settings.cache_clear()
        try:
            application = tuned_app()

            # when
            async with application.router.lifespan_context(application):
                frozen = gc.get_freeze_count()
                tuned = gc.get_threshold()
                full_collections = application.state.full_collections
                collecting = not full_collections.done()
        finally:
            gc.unfreeze()
            gc.set_threshold(*thresholds)
            get_settings.cache_clear()

        # then
        assert frozen > 0
        assert tuned[0] >= 10_000
        assert collecting, "full collections run on a schedule while the app serves"
        assert full_collections.cancelled(), "and stop with it"
