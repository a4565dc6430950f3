"""`python -m incidentkg`: the command line, as the `incidentkg` script runs it."""

from incidentkg.cli import main

main()
