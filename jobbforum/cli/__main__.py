"""``python -m jobbforum.cli`` is the same as the ``jobbforum`` command."""

from jobbforum.cli import main

main()
