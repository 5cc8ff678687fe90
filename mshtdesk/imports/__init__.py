"""CSV imports: one pipeline (``pipeline``), the file as it is read (``source``), one module per format.

The pipeline does what every import needs: the file is opened and read bounded and streamed, decoded as
UTF-8 (``source``); the delimiter is found and the header matched to the format's columns; every row is
checked and every problem named by physical line, column and reason; the file is written whole in one
transaction or not at all (a dry run rolls back), with progress and cancel throughout; a racing writer
or a busy database becomes a message saying what to do. ``Backend`` checks the rights the format names
and records the import in the audit log inside that transaction.

A new format (court outcomes, say) is one new module here, with a frozen summary dataclass using
``SummaryText`` (its fields ``file_name``, ``rows_read``, ``batch_id``, ``dry_run``; its ``changed`` and
``counts``) and an ``ImportFormat`` subclass that declares:
  - ``columns`` (the header names, and the order its rows' cells arrive in), and any ``optional``,
    ``aliases`` and ``multiline`` columns;
  - ``records``: what a racing writer changed, for the message ("the same arrests");
  - ``needs``, ``audit_fields`` and ``audit_reason``: the rights an import needs and how the audit log
    names it;
  - ``check_rows``: the row rules (``error(line, column, reason)`` for each problem), plus ``prepare``
    and ``finish`` if it needs lookups first or checks across all rows after;
  - ``write``: compare the rows with what is stored and write what is new, through SQL in
    ``store/queries/imports.py``.
Then one ``Backend`` method that passes an instance of it to ``Backend._import``.
"""
