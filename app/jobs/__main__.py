"""`python -m app.jobs`: run the scheduler (the same as `edihub scheduler`)."""

from app.cli import main

main(["scheduler"])
