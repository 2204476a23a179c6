"""APScheduler set-up and the jobs it runs."""
