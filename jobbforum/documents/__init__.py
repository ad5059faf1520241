"""Printable and embeddable documents: QR codes, tickets and badges (pure functions, bytes out)."""
