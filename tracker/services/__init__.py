"""Library functions over a session; the CLI and the bot are thin layers on top."""
