"""The `tracker` command line: thin commands over `tracker.services`."""
