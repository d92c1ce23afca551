"""The logic both surfaces call: one module per resource, access rules, loaders, errors."""
