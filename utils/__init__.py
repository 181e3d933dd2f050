"""Sheetdesk's logic: stores, validation glue, workflow rules, metrics, charts, auth, i18n, CLI."""
