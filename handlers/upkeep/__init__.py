"""Upkeep: the store kept within its retention rules (old photos deleted, personal text blanked)."""
