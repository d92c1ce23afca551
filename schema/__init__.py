"""The GraphQL surface: Strawberry types, inputs, directives, Query and Mutation."""
