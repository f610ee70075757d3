"""The Telegram bot: account linking, task lists with buttons, completion, extensions,
overdue summaries. `app` builds and runs it; `handlers` answer updates; `actions` is
the database side; `texts` what it says."""
