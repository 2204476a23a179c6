"""Web surfaces: the webchat adapter today; the dashboard and exports later."""
