"""Core: models, enums, errors, database, configuration, dates, working days, text helpers."""
