"""The assembly on top: the app factory, HTTP and WebSocket endpoints, token issuing, the CLI.

Nothing imports it (docs/architecture.md)."""
