"""The documented REST paths: route tables over the GraphQL schema, nothing else."""
