"""SCIM 2.0 (RFC 7643, RFC 7644): each tenant's users and groups at `/scim/v2/{tenant_id}`.

A third surface beside GraphQL and REST, over the same resolvers (docs/scim.md).
"""
