"""notifications/channels package."""
