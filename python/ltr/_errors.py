"""The package's exception: a libltr or libltr-io status with its message."""


class Error(Exception):
    """A libltr (ltr_status) or libltr-io (ltr_io_status) error.

    status: the negative status code; the message is the library's own
    explanation (ltr_status_string, or the reader's message naming the file).
    """

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status
