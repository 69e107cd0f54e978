"""``python -m accord`` runs the command line."""

from accord.cli.main import main

main()
