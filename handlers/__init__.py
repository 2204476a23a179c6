"""The service layer: messenger-neutral handlers. Imports no messenger or web framework."""
