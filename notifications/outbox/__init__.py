"""The outbox: every message recorded before it is sent, claimed by one worker, marked once."""
