"""Log records as JSON lines, so that a log store can search them by field."""

import datetime
import json
import logging


class JSONFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger and message, and the fields
    of a security record (`extra={"security": {...}}`, see accounts.security)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(
                record.created, tz=datetime.UTC
            ).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= getattr(record, "security", {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # ASCII only, so that no newline or control character a user typed can
        # start a line of its own.
        return json.dumps(entry, default=str)
