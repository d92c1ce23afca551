"""`/v1/admin/participants`: the tenant's people and model participants."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import User
from tests.collaboration.conftest import Tenancy
from tests.factories import create_user
from tests.factories_collaboration import (
    VOXTRAL,
    audit_events,
    create_built_in_catalog,
    create_model_participant,
)
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]
PARTICIPANTS = "/v1/admin/participants"
QUERY = """query ($t: ID, $kind: ParticipantKind) {
    participants(tenantId: $t, kind: $kind, first: 100) {
        totalCount nodes { __typename id kind displayName
            ... on ModelParticipant { localId modelSlug } } } }"""
NEW = {"model_slug": VOXTRAL, "local_id": "scribe", "display_name": "Scribe"}


@pytest.fixture
async def catalog(tenancy: Tenancy, sessions: Sessions) -> list[str]:
    return await create_built_in_catalog(sessions)


class TestListParticipants:
    async def test_people_first_then_model_participants_of_this_tenant_only(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        # given
        ada = await create_user(sessions, tenant=tenancy.tenant, display_name="Ada Lovelace")
        unnamed = await create_user(sessions, tenant=tenancy.tenant, status="disabled")
        gone = await create_user(sessions, tenant=tenancy.tenant, deleted_at=utcnow())
        await create_user(sessions, tenant=tenancy.sibling)
        helper = await create_model_participant(sessions, tenant=tenancy.tenant, local_id="helper")
        await create_model_participant(
            sessions, tenant=tenancy.tenant, local_id="old", deleted_at=utcnow()
        )
        await create_model_participant(sessions, tenant=tenancy.sibling)

        # when
        response = await http.get(PARTICIPANTS, headers=tenancy.tenant_admin(tokens))

        # then
        assert response.status_code == 200
        items = response.json()["data"]
        assert [item["id"] for item in items] == [ada.id, unnamed.id, helper.id]
        assert gone.id not in {item["id"] for item in items}
        person, disabled, model = items
        assert person == {
            "id": ada.id,
            "kind": "person",
            "display_name": "Ada Lovelace",
            "email": ada.email,
            "status": "ACTIVE",
            "created_at": person["created_at"],
            "updated_at": person["updated_at"],
        }
        # a person without a display name is shown by address
        assert (disabled["display_name"], disabled["status"]) == (unnamed.email, "DISABLED")
        assert (model["kind"], model["local_id"], model["model_slug"]) == (
            "model",
            "helper",
            helper.model_slug,
        )

    @pytest.mark.parametrize("kind", ["person", "model"])
    async def test_kind_narrows_the_list_on_both_surfaces(
        self,
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
        gql: Any,
        kind: str,
    ) -> None:
        await create_user(sessions, tenant=tenancy.tenant)
        await create_model_participant(sessions, tenant=tenancy.tenant)

        rest = await http.get(f"{PARTICIPANTS}?kind={kind}", headers=tenancy.super_admin(tokens))
        graphql = await gql(
            QUERY, {"t": tenancy.tenant.id, "kind": kind}, token=tokens.super_admin()
        )

        assert [item["kind"] for item in rest.json()["data"]] == [kind]
        nodes = graphql["data"]["participants"]["nodes"]
        assert [node["kind"] for node in nodes] == [kind]
        typename = "PersonParticipant" if kind == "person" else "ModelParticipant"
        assert nodes[0]["__typename"] == typename

    async def test_an_unknown_kind_is_422(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(f"{PARTICIPANTS}?kind=robot", headers=tenancy.super_admin(tokens))

        assert response.status_code == 422

    async def test_rest_answers_every_participant_beyond_one_page(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        # given: 230 people (more than two pages of 100) and a model participant
        now = utcnow()
        async with sessions() as session, session.begin():
            session.add_all(
                User(
                    id=new_id(IdPrefix.USER),
                    tenant_id=tenancy.tenant.id,
                    email=f"person{n}@example.com",
                    status="active",
                    custom_attributes={},
                    created_at=now,
                    updated_at=now,
                )
                for n in range(230)
            )
        helper = await create_model_participant(sessions, tenant=tenancy.tenant)

        # when
        response = await http.get(PARTICIPANTS, headers=tenancy.super_admin(tokens))

        # then
        items = response.json()["data"]
        assert len(items) == 231
        assert len({item["id"] for item in items}) == 231
        assert items[-1]["id"] == helper.id


class TestCreateModelParticipant:
    async def test_answers_201_with_a_manual_participant_and_records_it(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
    ) -> None:
        # when
        created = await http.post(
            f"{PARTICIPANTS}/model", json=NEW, headers=tenancy.tenant_admin(tokens)
        )
        listed = await http.get(f"{PARTICIPANTS}?kind=model", headers=tenancy.tenant_admin(tokens))

        # then
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["id"].startswith("mpt_")
        assert (body["origin"], body["model_slug"], body["local_id"], body["kind"]) == (
            "manual",
            VOXTRAL,
            "scribe",
            "model",
        )
        assert (body["default_response_mode"], body["enabled"]) == ("conversational", True)
        assert [item["id"] for item in listed.json()["data"]] == [body["id"]]
        [event] = await audit_events(sessions, action="participant.create")
        assert (event.resource_type, event.resource_id, event.tenant_id) == (
            "model_participant",
            body["id"],
            tenancy.tenant.id,
        )
        assert event.event_metadata == {"model_slug": VOXTRAL, "local_id": "scribe"}

    async def test_a_model_may_have_several_manual_participants(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tenancy.super_admin(tokens)

        first = await http.post(f"{PARTICIPANTS}/model", json=NEW, headers=admin)
        second = await http.post(
            f"{PARTICIPANTS}/model", json={**NEW, "local_id": "scribe-2"}, headers=admin
        )

        assert (first.status_code, second.status_code) == (201, 201)

    async def test_a_taken_local_id_is_409_even_against_a_catalog_participant(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tenancy.super_admin(tokens)
        await http.put(
            f"/v1/admin/models/{VOXTRAL}/participant",
            json={"local_id": "scribe", "display_name": "Scribe"},
            headers=admin,
        )

        response = await http.post(f"{PARTICIPANTS}/model", json=NEW, headers=admin)

        assert (response.status_code, response.json()["code"]) == (409, "CONFLICT")

    @pytest.mark.parametrize(
        ("changes", "detail"),
        [
            ({"model_slug": "acme/nope"}, "model_slug: 'acme/nope' is not a model of the catalog"),
            ({"local_id": "-bad-"}, "local_id: must be lowercase letters"),
            ({"default_response_mode": "loud"}, "default_response_mode: "),
            ({"display_name": None}, "display_name: "),
        ],
    )
    async def test_bad_input_is_422_naming_the_field(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        changes: dict[str, Any],
        detail: str,
    ) -> None:
        response = await http.post(
            f"{PARTICIPANTS}/model", json={**NEW, **changes}, headers=tenancy.super_admin(tokens)
        )

        assert response.status_code == 422, response.text
        assert response.json()["detail"].startswith(detail)

    async def test_a_missing_model_slug_is_422(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(
            f"{PARTICIPANTS}/model",
            json={"local_id": "x", "display_name": "X"},
            headers=tenancy.super_admin(tokens),
        )

        assert (response.status_code, response.json()["detail"]) == (
            422,
            "model_slug: is required",
        )
