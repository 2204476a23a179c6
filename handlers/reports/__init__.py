"""Reports: the daily, weekly and monthly digests (日排查日报告、周调度周报告、月调度月报告)."""
