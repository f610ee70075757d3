"""Content: a `Message` turned into email bytes, Telegram HTML and .ics files."""
