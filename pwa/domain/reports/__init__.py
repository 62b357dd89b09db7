"""What the centre counts: periods and case histories, the assistant's monthly report, the
centre's yearly figures, and their charts."""
