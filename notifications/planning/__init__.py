"""Planning: which reminders and escalations are due, to whom and when (pure, given `now`)."""
