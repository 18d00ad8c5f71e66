"""`python -m qa.cli …` runs the `policyqa` command."""
from qa.cli import main

main()
