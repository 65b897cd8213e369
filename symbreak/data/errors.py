"""The one error type that bad input raises."""


class DataError(ValueError):
    """Input data that symbreak cannot use; the message is one clear sentence for the user.

    The CLI turns it into that sentence and exit code 2, with no traceback.
    """
