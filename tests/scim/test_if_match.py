"""`If-Match` holds under concurrency: the version is compared on the row locked by the write's
own transaction, so of several writers holding the same version exactly one passes."""

from __future__ import annotations

import asyncio

from tests.scim.conftest import Scim, create_group, patch

WRITERS = 4


async def test_concurrent_writers_with_one_version_one_passes_the_rest_412(scim: Scim) -> None:
    user = await scim.create_user("ann@example.com")
    group = await create_group(scim, "Team")

    async def rename(path: str, version: str, attribute: str, value: str) -> int:
        body = patch({"op": "replace", "path": attribute, "value": value})
        return (await scim.request("PATCH", path, body, If_Match=version)).status_code

    user_answers = await asyncio.gather(
        *(
            rename(f"/Users/{user['id']}", user["meta"]["version"], "displayName", f"Ann {n}")
            for n in range(WRITERS)
        )
    )
    group_answers = await asyncio.gather(
        *(
            rename(f"/Groups/{group['id']}", group["meta"]["version"], "displayName", f"T{n}")
            for n in range(WRITERS)
        )
    )

    assert sorted(user_answers) == [200] + [412] * (WRITERS - 1)
    assert sorted(group_answers) == [200] + [412] * (WRITERS - 1)
