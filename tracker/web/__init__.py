"""The web workspace: server-rendered pages over the same services as the CLI and bot."""
