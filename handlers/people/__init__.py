"""People: how people and groups join — /start with invites, /help, /bind."""
