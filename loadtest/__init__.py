"""``make loadtest``: locust against gunicorn on a fresh PostgreSQL database (see runner.py)."""
