"""`/api/v1/admin/users`."""

from __future__ import annotations

from rest_compat.table import Route

ROUTES: list[Route] = []
