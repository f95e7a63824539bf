"""``python -m commresp`` runs the command line."""

from commresp.cli import cli

if __name__ == "__main__":
    cli(prog_name="commresp")
