"""The two errors a user can meet, each turned into one line and an exit status by the CLI."""


class InputError(ValueError):
    """Bad input; the message names the file (and line) and what was expected."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ModelError(RuntimeError):
    """A model directory that is missing or incomplete."""
