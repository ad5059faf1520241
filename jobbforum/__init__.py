"""Jobbforum: event and job-fair system for mentoring programmes for newly arrived job seekers."""

__version__ = "0.1.0"
