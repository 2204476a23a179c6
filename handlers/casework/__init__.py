"""Casework: take, on site, close, reject, departments, assist, assign, rating, /ticket /mytasks."""
