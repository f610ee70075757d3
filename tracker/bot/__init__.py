"""The Telegram bot: account linking, task lists with buttons, completion, extensions,
overdue summaries. `app` builds and runs it; `commands`, `presses` (inline buttons) and
`replies` (messages, files, errors) answer updates over `common`; `actions` is the
database side; `texts` what it says."""
