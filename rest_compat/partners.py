"""`/api/v1/admin/partners`."""

from __future__ import annotations

from rest_compat.table import Route

ROUTES: list[Route] = []
