"""The running program: settings, the composition root, the CLI, the sender and the adapters."""
