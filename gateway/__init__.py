"""Assembly: settings, principals and tokens, the app factory, the CLI."""
