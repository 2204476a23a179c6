"""Messenger adapters: each translates updates to our events and delivers our actions."""
