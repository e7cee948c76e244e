"""How a command ends: an exit code and a message for the planner (never a traceback)."""


class Exit(Exception):
    """Stop a command with `code` (0 ok, 1 failure, 2 bad input, 3 no plan possible) and `message`."""

    def __init__(self, code: int, message: str = ""):
        super().__init__(message)
        self.code, self.message = code, message
